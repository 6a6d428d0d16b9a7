using System.IO.Compression;
using Microsoft.Net.Http.Headers;

namespace ActorBlog.Host.Web;

/// <summary>
/// One response body and its brotli and gzip encodings, each made once, on first demand, and kept
/// with the body (so a cached page is compressed once per revision, not once per request). Each
/// encoding is a representation of its own with its own strong tag ("…-br", "…-gz"): RFC 9110
/// 8.8.3 asks that different bytes never share a strong validator.
/// </summary>
public sealed class EncodedBody
{
    public sealed record Variant(byte[] Bytes, string? Encoding, string ETag);

    private readonly Lazy<Variant> _brotli;
    private readonly Lazy<Variant> _gzip;

    public EncodedBody(byte[] identity, bool compressible, CompressionLevel level = CompressionLevel.Optimal)
    {
        IsCompressible = compressible;
        var tag = ConditionalGet.ETagFor(identity);
        Identity = new Variant(identity, null, tag);
        _brotli = new(() => new Variant(Compress(identity, s => new BrotliStream(s, level)), "br", Suffixed(tag, "br")));
        _gzip = new(() => new Variant(Compress(identity, s => new GZipStream(s, level)), "gzip", Suffixed(tag, "gz")));
        AllETags = compressible ? [tag, Suffixed(tag, "br"), Suffixed(tag, "gz")] : [tag];
    }

    public bool IsCompressible { get; }

    public Variant Identity { get; }

    public string ETag => Identity.ETag;

    /// <summary>The tags of every encoding: a client holding any of them holds this content.</summary>
    public IReadOnlyList<string> AllETags { get; }

    /// <summary>Brotli if the client takes it, then gzip, else the bytes as they are (RFC 9110 12.5.3).</summary>
    public Variant Negotiate(HttpRequest request)
    {
        if (!IsCompressible || request.Headers.AcceptEncoding.Count == 0) return Identity;
        var accepted = request.GetTypedHeaders().AcceptEncoding;
        if (accepted.Count == 0) return Identity;
        if (Accepts(accepted, "br")) return _brotli.Value;
        if (Accepts(accepted, "gzip")) return _gzip.Value;
        return Identity;
    }

    private static bool Accepts(IList<StringWithQualityHeaderValue> accepted, string coding)
    {
        var named = accepted.FirstOrDefault(a => string.Equals(a.Value.Value, coding, StringComparison.OrdinalIgnoreCase));
        var any = accepted.FirstOrDefault(a => a.Value.Value == "*");
        var quality = (named ?? any)?.Quality;
        return (named ?? any) is not null && (quality ?? 1) > 0;
    }

    private static byte[] Compress(byte[] bytes, Func<Stream, Stream> encoder)
    {
        using var output = new MemoryStream();
        using (var stream = encoder(output)) stream.Write(bytes);
        return output.ToArray();
    }

    private static string Suffixed(string quotedTag, string suffix) => quotedTag[..^1] + "-" + suffix + "\"";
}
