using Microsoft.AspNetCore.Antiforgery;

namespace ActorBlog.Host.Desk;

/// <summary>Marks an endpoint that checks the antiforgery token itself (the streaming upload).</summary>
public sealed class ChecksAntiforgeryItself;

/// <summary>
/// Every unsafe request to the desk carries the antiforgery token of a page the desk served
/// (form field or X-CSRF-TOKEN header), or is refused with a page that says so. SameSite=Strict
/// already keeps cross-site posts from carrying the session; this is the second lock.
/// </summary>
public sealed class DeskAntiforgery(IAntiforgery antiforgery) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)
            || http.GetEndpoint()?.Metadata.GetMetadata<ChecksAntiforgeryItself>() is not null)
            return await next(context);
        return await IsValidAsync(antiforgery, http) ? await next(context) : Refused();
    }

    public static async Task<bool> IsValidAsync(IAntiforgery antiforgery, HttpContext http)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(http);
            return true;
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }

    public static IResult Refused() => DeskResponses.Message(StatusCodes.Status400BadRequest, "Form expired",
        "This form has expired or did not come from the desk. Go back, reload the page, and try again.");
}
