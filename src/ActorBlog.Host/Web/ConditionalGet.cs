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
    /// Whether the client already holds the content: If-None-Match names one of
    /// <paramref name="etags"/> (the content's encodings), or, lacking If-None-Match,
    /// If-Modified-Since is not older than <paramref name="lastModified"/>.
    /// </summary>
    public static bool IsNotModified(HttpRequest request, IReadOnlyList<string> etags, DateTimeOffset? lastModified)
    {
        // Most requests carry neither validator: answer those without parsing anything.
        if (request.Headers.IfNoneMatch.Count == 0 && request.Headers.IfModifiedSince.Count == 0) return false;
        var requestHeaders = request.GetTypedHeaders();
        var ifNoneMatch = requestHeaders.IfNoneMatch;
        if (ifNoneMatch.Count > 0)
        {
            // RFC 9110 13.1.2: If-None-Match uses the weak comparison, and "*" matches any current representation.
            var current = etags.Select(tag => new EntityTagHeaderValue(tag)).ToList();
            return ifNoneMatch.Any(candidate => candidate.Equals(EntityTagHeaderValue.Any)
                || current.Any(tag => candidate.Compare(tag, useStrongComparison: false)));
        }
        // If-Modified-Since counts only when there is no If-None-Match (RFC 9110 13.2.2).
        return lastModified is { } modified
            && requestHeaders.IfModifiedSince is { } since
            && modified <= since;
    }
}
