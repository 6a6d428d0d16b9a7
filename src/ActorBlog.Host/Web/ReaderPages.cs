using System.Globalization;
using ActorBlog.Configuration;
using ActorBlog.Host.Views;
using ActorBlog.Posts;
using Microsoft.AspNetCore.Http.HttpResults;
// The Razor page for one post; ActorBlog.Posts.PostPage is the reader's page of posts.
using PostView = ActorBlog.Host.Views.PostPage;

namespace ActorBlog.Host.Web;

/// <summary>
/// What readers see: the home page, posts, tag pages, the tag index, the feeds, the sitemap,
/// robots.txt and the 404 page. Everything comes from <see cref="PostReader"/>, which returns
/// published posts only, so drafts and deleted posts cannot leak through any of these routes.
/// Handlers return results (<see cref="PageResult"/> carries the ETag, the 304, the encodings and
/// the caching headers); the <see cref="PageCache"/> filter in front of them serves a page again
/// while nothing has changed.
/// </summary>
public static class ReaderPages
{
    /// <summary>Pages past this are not worth a query: they answer 404 like any page that does not exist.</summary>
    public const int MaxPage = 1_000_000;

    /// <summary>Meta descriptions: search engines show about this much.</summary>
    private const int DescriptionChars = 160;

    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>
    /// Maps the reader routes, behind the page cache, and a fallback 404 page. Needs
    /// <see cref="PostReader"/>, <see cref="BlogSettings"/>, <see cref="Site"/>, <see cref="FeedIdentity"/>
    /// and <see cref="PageCache"/> in DI. The stylesheet and icons are <see cref="StaticAssets"/>.
    /// </summary>
    public static IEndpointRouteBuilder MapReaderPages(this IEndpointRouteBuilder app)
    {
        // The one PageCache from DI: AddEndpointFilter<PageCache>() would make a new, empty one per request.
        var pages = app.MapGroup("").AddEndpointFilter(app.ServiceProvider.GetRequiredService<PageCache>());
        pages.MapMethods("/", GetAndHead, Home);
        pages.MapMethods("/posts/{slug}", GetAndHead, PostBySlug);
        pages.MapMethods("/tags", GetAndHead, TagIndex);
        pages.MapMethods("/tags/{tag}", GetAndHead, Tag);
        pages.MapMethods("/feed.xml", GetAndHead, Atom);
        pages.MapMethods("/feed.json", GetAndHead, Json);
        pages.MapMethods("/sitemap.xml", GetAndHead, SitemapXml);
        pages.MapMethods("/robots.txt", GetAndHead, Robots);
        // Not behind the cache: every query is its own key, and a stream of them would evict the hot pages.
        app.MapSearch();
        // The default fallback pattern skips file-like paths (site.css, favicon.ico): those stay with static files.
        app.MapFallback(() => NotFoundPageResult.Instance);
        return app;
    }

    private static async Task<Results<PageResult, NotFoundPageResult>> Home(HttpContext context, PostReader reader, BlogSettings settings, Site site)
    {
        if (RequestedPage(context.Request) is not { } page) return NotFoundPageResult.Instance;
        var result = reader.Published(page, settings.PageSize);
        if (result.Posts.Count == 0 && page > 1) return NotFoundPageResult.Instance;
        var head = new PageHead(page > 1 ? $"Page {page.ToString(CultureInfo.InvariantCulture)}" : null,
            SiteDescription(site), Canonical(settings, "/", page));
        return await Html<HomePage>(context, NewestChange(result.Posts), new()
        {
            [nameof(HomePage.Site)] = site,
            [nameof(HomePage.Head)] = head,
            [nameof(HomePage.Posts)] = result.Posts,
            [nameof(HomePage.Page)] = result.Page,
            [nameof(HomePage.HasMore)] = result.HasMore,
        });
    }

    private static async Task<Results<PageResult, RedirectHttpResult, NotFoundPageResult>> PostBySlug(
        string slug, HttpContext context, PostReader reader, BlogSettings settings, Site site)
    {
        if (!PostValidation.IsValidSlug(slug)) return NotFoundPageResult.Instance;
        var post = reader.PublishedBySlug(slug);
        if (post is null)
        {
            return reader.RenamedTo(slug) is { } current
                ? TypedResults.Redirect(SiteUrls.PostPath(current), permanent: true)
                : NotFoundPageResult.Instance;
        }
        var url = FeedEntries.Url(settings, post);
        var description = PlainText.Excerpt(post.Html, DescriptionChars) is { Length: > 0 } excerpt ? excerpt : SiteDescription(site);
        var image = PlainText.FirstImage(post.Html) is { } src && Uri.TryCreate(url, src, out var absolute)
            && absolute.Scheme is "http" or "https" ? absolute.AbsoluteUri : null;
        var head = new PageHead(post.Title, description, url.AbsoluteUri,
            new ArticlePreview(post.Title, url.AbsoluteUri, description, image, FeedEntries.Published(post), post.UpdatedAt));
        return await Html<PostView>(context, post.UpdatedAt, new()
        {
            [nameof(PostView.Site)] = site,
            [nameof(PostView.Head)] = head,
            [nameof(PostView.Post)] = post,
        });
    }

    private static async Task<PageResult> TagIndex(HttpContext context, PostReader reader, BlogSettings settings, Site site)
    {
        var tags = reader.PublishedTagCounts();
        var head = new PageHead("Tags", $"Every tag on {site.Title}, with how many posts carry it.", Canonical(settings, "/tags", 1));
        // The index changes with any post's tags; the revision-keyed cache and the body's ETag say when.
        return await Html<TagIndexPage>(context, null, new()
        {
            [nameof(TagIndexPage.Site)] = site,
            [nameof(TagIndexPage.Head)] = head,
            [nameof(TagIndexPage.Tags)] = tags,
        });
    }

    private static async Task<Results<PageResult, NotFoundPageResult>> Tag(string tag, HttpContext context, PostReader reader, BlogSettings settings, Site site)
    {
        if (!PostValidation.IsValidTag(tag) || RequestedPage(context.Request) is not { } page) return NotFoundPageResult.Instance;
        var result = reader.Published(page, settings.PageSize, tag);
        // A tag no published post carries does not exist for readers, nor does a page past the last.
        if (result.Posts.Count == 0) return NotFoundPageResult.Instance;
        var title = page > 1 ? $"Tagged {tag}, page {page.ToString(CultureInfo.InvariantCulture)}" : $"Tagged {tag}";
        var head = new PageHead(title, $"Posts tagged {tag} on {site.Title}.", Canonical(settings, SiteUrls.TagPath(tag), page));
        return await Html<TagPage>(context, NewestChange(result.Posts), new()
        {
            [nameof(TagPage.Site)] = site,
            [nameof(TagPage.Head)] = head,
            [nameof(TagPage.Tag)] = tag,
            [nameof(TagPage.Posts)] = result.Posts,
            [nameof(TagPage.Page)] = result.Page,
            [nameof(TagPage.HasMore)] = result.HasMore,
        });
    }

    private static PageResult Atom(PostReader reader, BlogSettings settings, FeedIdentity identity)
    {
        var posts = reader.Published(1, FeedEntries.Size).Posts;
        return new PageResult(AtomFeed.Build(settings, identity.Authority, posts), AtomFeed.ContentType, NewestChange(posts));
    }

    private static PageResult Json(PostReader reader, BlogSettings settings, FeedIdentity identity)
    {
        var posts = reader.Published(1, FeedEntries.Size).Posts;
        return new PageResult(JsonFeed.Build(settings, identity.Authority, posts), JsonFeed.ContentType, NewestChange(posts));
    }

    private static PageResult SitemapXml(PostReader reader, BlogSettings settings)
    {
        var posts = reader.PublishedSlugs();
        var newest = posts.Count == 0 ? (DateTimeOffset?)null : posts.Max(p => p.UpdatedAt);
        return new PageResult(Sitemap.Build(settings, posts), Sitemap.ContentType, newest);
    }

    private static PageResult Robots(BlogSettings settings) => new(RobotsTxt.Build(settings), RobotsTxt.ContentType, null);

    internal static async Task<PageResult> Html<TComponent>(HttpContext context, DateTimeOffset? lastModified, Dictionary<string, object?> parameters)
        where TComponent : Microsoft.AspNetCore.Components.IComponent =>
        new(await HtmlPages.RenderAsync<TComponent>(context.RequestServices, parameters), HtmlPages.ContentType, lastModified);

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

    internal static string SiteDescription(Site site) => site.Description.Length > 0 ? site.Description : site.Title;

    private static DateTimeOffset? NewestChange(IReadOnlyList<Post> posts) =>
        posts.Count == 0 ? null : posts.Max(p => p.UpdatedAt);

    internal static string Canonical(BlogSettings settings, string path, int page) =>
        SiteUrls.Absolute(settings.BaseUrl, page == 1 ? path : $"{path}?page={page.ToString(CultureInfo.InvariantCulture)}").AbsoluteUri;
}
