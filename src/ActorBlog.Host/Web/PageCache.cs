using System.Collections.Concurrent;
using ActorBlog.Posts;

namespace ActorBlog.Host.Web;

/// <summary>
/// Rendered reader pages, kept while the database revision stays the same: every committed write
/// bumps the revision (<see cref="RevisionSignal"/>, advanced by the PostStore after each commit),
/// so a page is served from here only if nothing could have changed it. The revision is read
/// before the page is rendered, so a page is never filed under a newer revision than its data.
/// </summary>
public sealed class PageCache
{
    private const int MaxEntries = 2048;
    private const string RevisionKey = "actorblog.page-cache.revision";

    private sealed record Entry(long Revision, byte[] Body, string ETag, string ContentType, DateTimeOffset? LastModified);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Serves a reader GET from the cache when it can; otherwise notes the revision for <see cref="Store"/>.</summary>
    public static IApplicationBuilder UsePageCache(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) || !IsReaderPath(request.Path))
        {
            await next(context);
            return;
        }
        var cache = context.RequestServices.GetRequiredService<PageCache>();
        var revision = context.RequestServices.GetRequiredService<RevisionSignal>().Current;
        if (cache._entries.TryGetValue(Key(request), out var hit) && hit.Revision == revision)
        {
            await ConditionalGet.WriteAsync(context, hit.Body, hit.ContentType, hit.LastModified, hit.ETag);
            return;
        }
        context.Items[RevisionKey] = revision;
        await next(context);
    });

    /// <summary>Keeps a rendered 200 page for the revision noted when its request came in.</summary>
    public static void Store(HttpContext context, byte[] body, string etag, string contentType, DateTimeOffset? lastModified)
    {
        if (context.Items[RevisionKey] is not long revision) return;
        var cache = context.RequestServices.GetRequiredService<PageCache>();
        // A crawler walking every page number must not grow the cache without bound.
        if (cache._entries.Count >= MaxEntries) cache._entries.Clear();
        cache._entries[Key(context.Request)] = new Entry(revision, body, etag, contentType, lastModified);
    }

    private static bool IsReaderPath(PathString path) =>
        !path.StartsWithSegments("/api") && !path.StartsWithSegments("/healthz");

    private static string Key(HttpRequest request) => request.Path.Value + request.QueryString.Value;
}
