namespace ActorBlog.Host.Web;

/// <summary>
/// Lets a request through only with <c>Authorization: Bearer &lt;token&gt;</c>. The 401 says nothing
/// of why; an address that keeps sending bad tokens is answered 429 with Retry-After for a while
/// (<see cref="FailedAuthThrottle"/>, counted by <see cref="ClientAddress"/>).
/// </summary>
public sealed class BearerTokenFilter(AuthorToken token, FailedAuthThrottle throttle) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        Refusal(context.HttpContext, token, throttle) is { } refused ? ValueTask.FromResult<object?>(refused) : next(context);

    /// <summary>The answer for a request without the author token, or null when it carries it. Also used outside endpoint filters (/metrics).</summary>
    public static IResult? Refusal(HttpContext http, AuthorToken token, FailedAuthThrottle throttle)
    {
        var address = ClientAddress.Of(http);
        if (throttle.RetryAfter(address) is { } wait)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Status(StatusCodes.Status429TooManyRequests, "Too many requests",
                "Too many failed attempts from this address; try again later.");
        }

        var header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && token.Matches(header[scheme.Length..].Trim()))
            return null;

        throttle.RecordFailure(address);
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.Status(StatusCodes.Status401Unauthorized, "Unauthorized",
            "A valid author token is required: Authorization: Bearer <token>.");
    }
}
