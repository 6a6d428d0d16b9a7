using System.Globalization;
using ActorBlog.Configuration;
using ActorBlog.Host.Views;
using ActorBlog.Posts;
using Microsoft.AspNetCore.Mvc;
// The Razor page for one post; ActorBlog.Posts.PostPage is the reader's page of posts.
using PostView = ActorBlog.Host.Views.PostPage;

namespace ActorBlog.Host.Web;

/// <summary>
/// What readers see: the home page, posts, tag pages, the Atom feed, the sitemap and the 404 page.
/// Everything comes from <see cref="PostReader"/>, which returns published posts only, so drafts
/// and deleted posts cannot leak through any of these routes.
/// </summary>
public static class ReaderPages
{
    /// <summary>Pages past this are not worth a query: they answer 404 like any page that does not exist.</summary>
    public const int MaxPage = 1_000_000;

    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>
    /// Maps the reader routes and a fallback 404 page. Needs <see cref="PostReader"/> and
    /// <see cref="BlogSettings"/> in DI; <c>/site.css</c> comes from <c>wwwroot</c> through the host's <c>UseStaticFiles</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapReaderPages(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/", GetAndHead, Home);
        app.MapMethods("/posts/{slug}", GetAndHead, PostBySlug);
        app.MapMethods("/tags/{tag}", GetAndHead, Tag);
        app.MapMethods("/feed.xml", GetAndHead, Feed);
        app.MapMethods("/sitemap.xml", GetAndHead, SitemapXml);
        // The default fallback pattern skips file-like paths (site.css, favicon.ico): those stay with static files.
        app.MapFallback(NotFound);
        return app;
    }

    private static async Task Home(HttpContext context, [FromServices] PostReader reader, [FromServices] BlogSettings settings)
    {
        if (RequestedPage(context.Request) is not { } page)
        {
            await NotFound(context);
            return;
        }
        var result = reader.Published(page, settings.PageSize);
        if (result.Posts.Count == 0 && page > 1)
        {
            await NotFound(context);
            return;
        }
        var body = await HtmlPages.RenderAsync<HomePage>(context, new Dictionary<string, object?>
        {
            [nameof(HomePage.BlogTitle)] = settings.Title,
            [nameof(HomePage.Posts)] = result.Posts,
            [nameof(HomePage.Page)] = result.Page,
            [nameof(HomePage.HasMore)] = result.HasMore,
            [nameof(HomePage.CanonicalUrl)] = Canonical(settings, "/", page),
        });
        await ConditionalGet.WriteAsync(context, body, HtmlPages.ContentType, NewestChange(result.Posts));
    }

    private static async Task PostBySlug(string slug, HttpContext context, [FromServices] PostReader reader, [FromServices] BlogSettings settings)
    {
        if (!PostValidation.IsValidSlug(slug))
        {
            await NotFound(context);
            return;
        }
        var post = reader.PublishedBySlug(slug);
        if (post is null)
        {
            if (reader.RenamedTo(slug) is { } current)
            {
                context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
                context.Response.Headers.Location = SiteUrls.PostPath(current);
                return;
            }
            await NotFound(context);
            return;
        }
        var body = await HtmlPages.RenderAsync<PostView>(context, new Dictionary<string, object?>
        {
            [nameof(PostView.BlogTitle)] = settings.Title,
            [nameof(PostView.Post)] = post,
            [nameof(PostView.CanonicalUrl)] = SiteUrls.Absolute(settings.BaseUrl, SiteUrls.PostPath(post.Slug)).AbsoluteUri,
        });
        await ConditionalGet.WriteAsync(context, body, HtmlPages.ContentType, post.UpdatedAt);
    }

    private static async Task Tag(string tag, HttpContext context, [FromServices] PostReader reader, [FromServices] BlogSettings settings)
    {
        if (!PostValidation.IsValidTag(tag) || RequestedPage(context.Request) is not { } page)
        {
            await NotFound(context);
            return;
        }
        var result = reader.Published(page, settings.PageSize, tag);
        // A tag no published post carries does not exist for readers, nor does a page past the last.
        if (result.Posts.Count == 0)
        {
            await NotFound(context);
            return;
        }
        var body = await HtmlPages.RenderAsync<TagPage>(context, new Dictionary<string, object?>
        {
            [nameof(TagPage.BlogTitle)] = settings.Title,
            [nameof(TagPage.Tag)] = tag,
            [nameof(TagPage.Posts)] = result.Posts,
            [nameof(TagPage.Page)] = result.Page,
            [nameof(TagPage.HasMore)] = result.HasMore,
            [nameof(TagPage.CanonicalUrl)] = Canonical(settings, SiteUrls.TagPath(tag), page),
        });
        await ConditionalGet.WriteAsync(context, body, HtmlPages.ContentType, NewestChange(result.Posts));
    }

    private static Task Feed(HttpContext context, [FromServices] PostReader reader, [FromServices] BlogSettings settings)
    {
        var posts = reader.Published(1, AtomFeed.Size).Posts;
        return ConditionalGet.WriteAsync(context, AtomFeed.Build(settings, posts), AtomFeed.ContentType, NewestChange(posts));
    }

    private static Task SitemapXml(HttpContext context, [FromServices] PostReader reader, [FromServices] BlogSettings settings)
    {
        var posts = reader.PublishedSlugs();
        var newest = posts.Count == 0 ? (DateTimeOffset?)null : posts.Max(p => p.UpdatedAt);
        return ConditionalGet.WriteAsync(context, Sitemap.Build(settings, posts), Sitemap.ContentType, newest);
    }

    /// <summary>The 404 page: HTML for GET and HEAD, an empty 404 for any other method.</summary>
    private static async Task NotFound(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status404NotFound;
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)) return;

        var settings = context.RequestServices.GetRequiredService<BlogSettings>();
        var body = await HtmlPages.RenderAsync<NotFoundPage>(context, new Dictionary<string, object?>
        {
            [nameof(NotFoundPage.BlogTitle)] = settings.Title,
        });
        response.ContentType = HtmlPages.ContentType;
        response.ContentLength = body.Length;
        response.Headers.CacheControl = "no-cache";
        if (HttpMethods.IsGet(context.Request.Method)) await response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>
    /// The page the query asks for: 1 when absent, otherwise exactly one positive integer up to
    /// <see cref="MaxPage"/>. Anything else is null, and the caller answers 404: such a page does not exist.
    /// </summary>
    internal static int? RequestedPage(HttpRequest request)
    {
        if (!request.Query.TryGetValue("page", out var values)) return 1;
        if (values.Count != 1) return null;
        return int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page is >= 1 and <= MaxPage
            ? page
            : null;
    }

    private static DateTimeOffset? NewestChange(IReadOnlyList<Post> posts) =>
        posts.Count == 0 ? null : posts.Max(p => p.UpdatedAt);

    private static string Canonical(BlogSettings settings, string path, int page) =>
        SiteUrls.Absolute(settings.BaseUrl, page == 1 ? path : $"{path}?page={page.ToString(CultureInfo.InvariantCulture)}").AbsoluteUri;
}
