using ActorBlog.Host.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components;

namespace ActorBlog.Host.Desk;

/// <summary>
/// How every desk page goes out: rendered server-side, never cached, under the desk's own policy
/// (its one script from our origin, no inline script or style). Reader pages keep script-src 'none'.
/// </summary>
public static class DeskResponses
{
    public const string Csp =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    /// <summary>Renders <typeparamref name="TPage"/> with the antiforgery token its forms need.</summary>
    public static IResult Page<TPage>(int status, Dictionary<string, object?> parameters) where TPage : IComponent =>
        new DeskPageResult(status, http =>
        {
            var tokens = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
            parameters["Form"] = new DeskForm(tokens.RequestToken!, http.User.Identity?.IsAuthenticated == true);
            return HtmlPages.RenderAsync<TPage>(http.RequestServices, parameters);
        });

    public static IResult Page<TPage>(Dictionary<string, object?> parameters) where TPage : IComponent =>
        Page<TPage>(StatusCodes.Status200OK, parameters);

    /// <summary>A plain page with a heading and one sentence: errors and refusals.</summary>
    public static IResult Message(int status, string title, string text) =>
        Page<MessagePage>(status, new() { [nameof(MessagePage.Title)] = title, [nameof(MessagePage.Text)] = text });

    /// <summary>After a successful form post: 303, so reloading the next page never posts again.</summary>
    public static IResult SeeOther(string location) => new SeeOtherResult(location);

    private sealed class DeskPageResult(int status, Func<HttpContext, Task<byte[]>> render) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            var body = await render(http);
            var response = http.Response;
            response.StatusCode = status;
            Protect(response);
            response.ContentType = HtmlPages.ContentType;
            response.ContentLength = body.Length;
            if (!HttpMethods.IsHead(http.Request.Method)) await response.Body.WriteAsync(body, http.RequestAborted);
        }
    }

    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = StatusCodes.Status303SeeOther;
            http.Response.Headers.Location = location;
            Protect(http.Response);
            return Task.CompletedTask;
        }
    }

    public static void Protect(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = Csp;
        response.Headers.CacheControl = "no-store";
    }
}

/// <summary>What every desk form needs: the antiforgery token, and whether the author is signed in (for the header).</summary>
public sealed record DeskForm(string Token, bool SignedIn);
