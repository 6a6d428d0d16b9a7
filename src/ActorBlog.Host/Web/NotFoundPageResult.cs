using ActorBlog.Configuration;
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

        var settings = httpContext.RequestServices.GetRequiredService<BlogSettings>();
        var body = await HtmlPages.RenderAsync<NotFoundPage>(httpContext.RequestServices, new Dictionary<string, object?>
        {
            [nameof(NotFoundPage.BlogTitle)] = settings.Title,
        });
        response.ContentType = HtmlPages.ContentType;
        response.ContentLength = body.Length;
        response.Headers.CacheControl = "no-cache";
        if (HttpMethods.IsGet(request.Method)) await response.Body.WriteAsync(body, httpContext.RequestAborted);
    }
}
