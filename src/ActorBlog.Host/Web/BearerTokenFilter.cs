namespace ActorBlog.Host.Web;

/// <summary>
/// Lets a request through only with <c>Authorization: Bearer &lt;token&gt;</c>. The 401 says nothing
/// of why; an address that keeps sending bad tokens is answered 429 with Retry-After for a while
/// (<see cref="FailedAuthThrottle"/>, counted by <see cref="ClientAddress"/>).
/// </summary>
public sealed class BearerTokenFilter(AuthorToken token, FailedAuthThrottle throttle) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var address = ClientAddress.Of(http);
        if (throttle.RetryAfter(address) is { } wait)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return ValueTask.FromResult<object?>(Problems.Status(StatusCodes.Status429TooManyRequests, "Too many requests",
                "Too many failed attempts from this address; try again later."));
        }

        var header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && token.Matches(header[scheme.Length..].Trim()))
            return next(context);

        throttle.RecordFailure(address);
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ValueTask.FromResult<object?>(Problems.Status(StatusCodes.Status401Unauthorized, "Unauthorized",
            "A valid author token is required: Authorization: Bearer <token>."));
    }
}
