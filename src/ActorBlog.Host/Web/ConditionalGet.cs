using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace ActorBlog.Host.Web;

/// <summary>
/// Validators for a fully rendered response: a strong ETag from the body's bytes and a
/// Last-Modified from the newest change the body shows. Rendering first and hashing after means
/// the tag changes exactly when the bytes do, whatever caused it (an edit, a delete, a new title).
/// </summary>
internal static class ConditionalGet
{
    /// <summary>The quoted strong tag for <paramref name="body"/>: the first 128 bits of its SHA-256, hex.</summary>
    public static string ETagFor(ReadOnlySpan<byte> body) =>
        "\"" + Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 16)) + "\"";

    /// <summary>
    /// Writes a 200 with validators, or a 304 with the same validators and no body when the
    /// request's If-None-Match (or, lacking it, If-Modified-Since) says the client is current.
    /// </summary>
    /// <param name="etag">The body's tag when already known (a cached page); computed otherwise.</param>
    public static Task WriteAsync(HttpContext context, byte[] body, string contentType, DateTimeOffset? lastModified, string? etag = null)
    {
        etag ??= ETagFor(body);
        PageCache.Store(context, body, etag, contentType, lastModified);
        var response = context.Response;
        var headers = response.GetTypedHeaders();
        headers.ETag = new EntityTagHeaderValue(etag);
        // HTTP dates carry whole seconds; comparing at that precision keeps the two checks consistent.
        var modified = lastModified is { } t ? TruncateToSeconds(t) : (DateTimeOffset?)null;
        if (modified is not null) headers.LastModified = modified;
        // Caches may keep a copy but must ask again before using it: a post can change at any moment.
        response.Headers.CacheControl = "no-cache";

        if (IsNotModified(context.Request, etag, modified))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    internal static bool IsNotModified(HttpRequest request, string etag, DateTimeOffset? lastModified)
    {
        var requestHeaders = request.GetTypedHeaders();
        var ifNoneMatch = requestHeaders.IfNoneMatch;
        if (ifNoneMatch.Count > 0)
        {
            // RFC 9110 13.1.2: If-None-Match uses the weak comparison, and "*" matches any current representation.
            var current = new EntityTagHeaderValue(etag);
            return ifNoneMatch.Any(candidate => candidate.Equals(EntityTagHeaderValue.Any) || candidate.Compare(current, useStrongComparison: false));
        }
        // If-Modified-Since counts only when there is no If-None-Match (RFC 9110 13.2.2).
        return lastModified is { } modified
            && requestHeaders.IfModifiedSince is { } since
            && modified <= since;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t)
    {
        var utc = t.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }
}
