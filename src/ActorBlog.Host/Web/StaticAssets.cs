using System.IO.Compression;
using System.Security.Cryptography;

namespace ActorBlog.Host.Web;

/// <summary>
/// The readers' stylesheet and icons, read from wwwroot once at start, each compressed once
/// (brotli and gzip at their smallest) and served from memory. Pages link the fingerprinted
/// addresses (<c>/site.3fa9c1d2e4b5a6f7.css</c>), which never change content and so are cached
/// for a year as immutable; the plain names (<c>/site.css</c>, <c>/favicon.ico</c>, which browsers
/// ask for on their own) still answer, revalidated. Anything else in wwwroot stays with the
/// static files middleware.
/// </summary>
public sealed class StaticAssets
{
    public const string Immutable = "public, max-age=31536000, immutable";

    private static readonly (string Name, string ContentType, bool Fingerprint)[] Files =
    [
        ("site.css", "text/css; charset=utf-8", true),
        ("favicon.svg", "image/svg+xml", true),
        ("favicon.ico", "image/x-icon", false),
    ];

    private readonly Dictionary<string, (string Href, PageResult Fingerprinted, PageResult Plain)> _assets = new(StringComparer.Ordinal);

    private StaticAssets(string webRoot)
    {
        foreach (var (name, contentType, fingerprint) in Files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(webRoot, name));
            var modified = File.GetLastWriteTimeUtc(Path.Combine(webRoot, name));
            var href = fingerprint ? $"/{Path.GetFileNameWithoutExtension(name)}.{Fingerprint(bytes)}{Path.GetExtension(name)}" : "/" + name;
            var fingerprinted = new PageResult(bytes, contentType, modified, Immutable, CompressionLevel.SmallestSize);
            var plain = new PageResult(bytes, contentType, modified, PageResult.Revalidate, CompressionLevel.SmallestSize);
            _assets[name] = (href, fingerprinted, plain);
        }
    }

    public static StaticAssets Load(string webRoot) => new(webRoot);

    /// <summary>The address pages link for <paramref name="name"/> (e.g. "site.css").</summary>
    public string Href(string name) => _assets[name].Href;

    public IEndpointRouteBuilder Map(IEndpointRouteBuilder app)
    {
        string[] getAndHead = [HttpMethods.Get, HttpMethods.Head];
        foreach (var (name, (href, fingerprinted, plain)) in _assets)
        {
            app.MapMethods("/" + name, getAndHead, () => plain);
            if (href != "/" + name) app.MapMethods(href, getAndHead, () => fingerprinted);
        }
        return app;
    }

    /// <summary>64 bits of the content's SHA-256: a new address whenever a byte changes.</summary>
    private static string Fingerprint(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8));
}
