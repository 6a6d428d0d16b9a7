using ActorBlog.Host.Views;

namespace ActorBlog.Host.Web;

/// <summary>The readers' 404: the HTML page for GET and HEAD, an empty 404 for any other method. Never cached.</summary>
public sealed class NotFoundPageResult : IResult
{
    public static readonly NotFoundPageResult Instance = new();

    private NotFoundPageResult()
    {
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var request = httpContext.Request;
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status404NotFound;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)) return;

        var site = httpContext.RequestServices.GetRequiredService<Site>();
        // No canonical: there is no page here for one to name.
        var body = await HtmlPages.RenderAsync<NotFoundPage>(httpContext.RequestServices, new Dictionary<string, object?>
        {
            [nameof(NotFoundPage.Site)] = site,
            [nameof(NotFoundPage.Head)] = new PageHead("Not found", ReaderPages.SiteDescription(site), null, NoIndex: true),
        });
        response.ContentType = HtmlPages.ContentType;
        response.ContentLength = body.Length;
        response.Headers.CacheControl = "no-cache";
        if (HttpMethods.IsGet(request.Method)) await response.Body.WriteAsync(body, httpContext.RequestAborted);
    }
}
