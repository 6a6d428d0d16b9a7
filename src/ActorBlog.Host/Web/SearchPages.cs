using System.Globalization;
using ActorBlog.Configuration;
using ActorBlog.Host.Views;
using ActorBlog.Search;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ActorBlog.Host.Web;

/// <summary>
/// <c>GET /search?q=</c>: published posts by their words, best match first, a page at a time. Any q is a
/// valid search. Answers carry an ETag and 304 like every reader page, but are not kept in the page cache.
/// </summary>
internal static class SearchPages
{
    /// <summary>Longer input is cut here before parsing: no search needs more, and the page echoes it back.</summary>
    private const int MaxQueryChars = 200;

    public static IEndpointRouteBuilder MapSearch(this IEndpointRouteBuilder pages)
    {
        pages.MapMethods("/search", [HttpMethods.Get, HttpMethods.Head], Search);
        return pages;
    }

    private static async Task<Results<PageResult, NotFoundPageResult>> Search(HttpContext context, PostSearch search, BlogSettings settings, Site site)
    {
        if (ReaderPages.RequestedPage(context.Request) is not { } page) return NotFoundPageResult.Instance;
        var query = context.Request.Query["q"].FirstOrDefault()?.Trim() ?? "";
        if (query.Length > MaxQueryChars) query = query[..MaxQueryChars];
        var results = search.Search(query, page, settings.PageSize);
        if (results.Hits.Count == 0 && page > 1) return NotFoundPageResult.Instance;

        var title = query.Length == 0 ? "Search" : page > 1
            ? $"Search: {query}, page {page.ToString(CultureInfo.InvariantCulture)}"
            : $"Search: {query}";
        // Result pages are for readers, not for indexes: noindex, and robots.txt keeps crawlers out.
        var head = new PageHead(title, $"Search the posts of {site.Title}.", ReaderPages.Canonical(settings, "/search", 1), NoIndex: query.Length > 0);
        return await ReaderPages.Html<SearchPage>(context, null, new()
        {
            [nameof(SearchPage.Site)] = site,
            [nameof(SearchPage.Head)] = head,
            [nameof(SearchPage.Query)] = query,
            [nameof(SearchPage.Results)] = results,
        });
    }
}
