using Microsoft.Net.Http.Headers;

namespace ActorBlog.Host.Web;

/// <summary>
/// A fully rendered reader response as an <see cref="IResult"/>: its bytes, a strong ETag from
/// them, the newest change it shows, and the caching rules. Executing it answers 200 or, when the
/// request's validators say the client is current, 304; HEAD gets the headers alone. Immutable,
/// so <see cref="PageCache"/> can hand the same instance to every request of a revision.
/// </summary>
public sealed class PageResult : IResult
{
    /// <summary>Caches may keep a copy but must ask again before using it: a post can change at any moment.</summary>
    public const string Revalidate = "no-cache";

    public PageResult(byte[] body, string contentType, DateTimeOffset? lastModified, string cacheControl = Revalidate,
        System.IO.Compression.CompressionLevel compression = System.IO.Compression.CompressionLevel.Optimal)
    {
        Body = new EncodedBody(body, Compressible(contentType), compression);
        ContentType = contentType;
        CacheControl = cacheControl;
        // HTTP dates carry whole seconds; comparing at that precision keeps the two checks consistent.
        LastModified = lastModified is { } t ? TruncateToSeconds(t) : null;
        _lastModifiedHeader = LastModified is { } m ? HeaderUtilities.FormatDate(m) : null;
    }

    // Formatted once: a cached page is executed for every request of its revision.
    private readonly string? _lastModifiedHeader;

    public EncodedBody Body { get; }

    public string ContentType { get; }

    public DateTimeOffset? LastModified { get; }

    public string CacheControl { get; }

    /// <summary>The identity body's strong tag; compressed variants carry it with a suffix.</summary>
    public string ETag => Body.ETag;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var request = httpContext.Request;
        var response = httpContext.Response;
        var variant = Body.Negotiate(request);
        var headers = response.Headers;
        headers.ETag = variant.ETag; // already a quoted strong tag
        if (_lastModifiedHeader is not null) headers.LastModified = _lastModifiedHeader;
        headers.CacheControl = CacheControl;
        if (Body.IsCompressible) headers.Vary = HeaderNames.AcceptEncoding;

        if (ConditionalGet.IsNotModified(request, Body.AllETags, LastModified))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        if (variant.Encoding is { } encoding) headers.ContentEncoding = encoding;
        response.ContentLength = variant.Bytes.Length;
        return HttpMethods.IsHead(request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(variant.Bytes, httpContext.RequestAborted).AsTask();
    }

    private static bool Compressible(string contentType) =>
        contentType.StartsWith("text/", StringComparison.Ordinal)
        || contentType.Contains("xml", StringComparison.Ordinal)
        || contentType.Contains("json", StringComparison.Ordinal);

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t)
    {
        var utc = t.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }
}
