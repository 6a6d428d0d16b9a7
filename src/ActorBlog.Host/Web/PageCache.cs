using System.Collections.Concurrent;
using ActorBlog.Posts;

namespace ActorBlog.Host.Web;

/// <summary>
/// Rendered reader pages, kept while the database revision stays the same: every committed write
/// bumps the revision (<see cref="RevisionSignal"/>, advanced by the PostStore after each commit),
/// so a page is served from here only if nothing could have changed it. An endpoint filter on the
/// reader routes: the revision is read before the handler renders, so a page is never filed under
/// a newer revision than its data. Only <see cref="PageResult"/>s are kept; 404s and redirects are not.
/// <see cref="CachedPages.UseCachedPages"/> serves a hit early in the pipeline, before static files, authentication
/// and routing, which cost more than the answer itself once the page is rendered.
/// </summary>
public sealed class PageCache(RevisionSignal revision) : IEndpointFilter
{
    private const int MaxEntries = 2048;

    private sealed record Entry(long Revision, PageResult Page);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var current = revision.Current; // read before rendering: a page is never filed under a newer revision than its data
        if (TryGet(request, out var kept)) return kept; // filled since UseCachedPages looked

        var result = await next(context);
        if (Unwrap(result) is PageResult page)
        {
            // A crawler walking every page number must not grow the cache without bound.
            if (_entries.Count >= MaxEntries) _entries.Clear();
            _entries[KeyOf(request)] = new Entry(current, page);
        }
        return result;
    }

    /// <summary>The page kept for this request's path and query at the current revision, if any.</summary>
    public bool TryGet(HttpRequest request, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PageResult? page)
    {
        page = _entries.TryGetValue(KeyOf(request), out var hit) && hit.Revision == revision.Current ? hit.Page : null;
        return page is not null;
    }

    private static string KeyOf(HttpRequest request) => request.Path.Value + request.QueryString.Value;

    private static object? Unwrap(object? result) => result is INestedHttpResult nested ? nested.Result : result;
}

public static class CachedPages
{
    /// <summary>
    /// Answers a GET or HEAD whose page <see cref="PageCache"/> keeps for the current revision, before
    /// static files, authentication and routing, which cost more than the answer once it is rendered.
    /// Only reader routes put pages there and no reader page depends on who asks, so nothing the answer
    /// needs is skipped. Use it after the security headers, which every answer carries.
    /// </summary>
    public static IApplicationBuilder UseCachedPages(this IApplicationBuilder app)
    {
        var cache = app.ApplicationServices.GetRequiredService<PageCache>();
        return app.Use((context, next) =>
        {
            var request = context.Request;
            return (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) && cache.TryGet(request, out var page)
                ? page.ExecuteAsync(context)
                : next(context);
        });
    }
}
