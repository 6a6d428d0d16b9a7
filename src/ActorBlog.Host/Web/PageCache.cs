using System.Collections.Concurrent;
using ActorBlog.Posts;

namespace ActorBlog.Host.Web;

/// <summary>
/// Rendered reader pages, kept while the database revision stays the same: every committed write
/// bumps the revision (<see cref="RevisionSignal"/>, advanced by the PostStore after each commit),
/// so a page is served from here only if nothing could have changed it. An endpoint filter on the
/// reader routes: the revision is read before the handler renders, so a page is never filed under
/// a newer revision than its data. Only <see cref="PageResult"/>s are kept; 404s and redirects are not.
/// </summary>
public sealed class PageCache(RevisionSignal revision) : IEndpointFilter
{
    private const int MaxEntries = 2048;

    private sealed record Entry(long Revision, PageResult Page);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var key = request.Path.Value + request.QueryString.Value;
        var current = revision.Current;
        if (_entries.TryGetValue(key, out var hit) && hit.Revision == current) return hit.Page;

        var result = await next(context);
        if (Unwrap(result) is PageResult page)
        {
            // A crawler walking every page number must not grow the cache without bound.
            if (_entries.Count >= MaxEntries) _entries.Clear();
            _entries[key] = new Entry(current, page);
        }
        return result;
    }

    private static object? Unwrap(object? result) => result is INestedHttpResult nested ? nested.Result : result;
}
