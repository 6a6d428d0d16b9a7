namespace ActorBlog.Host.Web;

/// <summary>Lets a request through only with <c>Authorization: Bearer &lt;token&gt;</c>. The 401 says nothing of why.</summary>
public sealed class BearerTokenFilter(AuthorToken token) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && token.Matches(header[scheme.Length..].Trim()))
            return next(context);

        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
        return ValueTask.FromResult<object?>(Problems.Status(StatusCodes.Status401Unauthorized, "Unauthorized",
            "A valid author token is required: Authorization: Bearer <token>."));
    }
}
