using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace ActorBlog.Host.Tests;

/// <summary>
/// Brotli and gzip for pages, feeds and the stylesheet, each encoding with its own strong ETag and
/// still answering 304; the stylesheet and icon at fingerprinted, immutable addresses.
/// </summary>
public sealed partial class CompressionTests(ReaderHostFixture host) : IClassFixture<ReaderHostFixture>
{
    public static TheoryData<string, string> Encodings => new()
    {
        { "/", "br" }, { "/", "gzip" }, { "/feed.xml", "br" }, { "/feed.json", "gzip" }, { "/sitemap.xml", "br" }, { "/tags", "gzip" },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public async Task A_page_comes_compressed_with_its_own_ETag_and_answers_304_to_it(string path, string encoding)
    {
        await host.CreateAsync("Compressible", string.Join(' ', Enumerable.Repeat("words that repeat", 50)), ["compressed"]);
        using var plain = await host.Client.GetAsync(path);
        var identity = await plain.Content.ReadAsByteArrayAsync();

        using var compressed = await Get(path, encoding);

        Assert.Equal(HttpStatusCode.OK, compressed.StatusCode);
        Assert.Equal([encoding], compressed.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", compressed.Headers.Vary);
        Assert.Contains("Accept-Encoding", plain.Headers.Vary);
        var bytes = await compressed.Content.ReadAsByteArrayAsync();
        Assert.True(bytes.Length < identity.Length, $"{bytes.Length} >= {identity.Length}");
        Assert.Equal(identity, Decompress(bytes, encoding));
        Assert.False(compressed.Headers.ETag!.IsWeak);
        Assert.NotEqual(plain.Headers.ETag, compressed.Headers.ETag);

        using var again = await Get(path, encoding, compressed.Headers.ETag);
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Equal(compressed.Headers.ETag, again.Headers.ETag);
    }

    [Fact]
    public async Task A_client_that_refuses_an_encoding_gets_the_next_or_none()
    {
        using var noBrotli = await Get("/", "br;q=0, gzip");
        Assert.Equal(["gzip"], noBrotli.Content.Headers.ContentEncoding);
        using var identity = await Get("/", "identity");
        Assert.Empty(identity.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task The_stylesheet_and_icon_have_fingerprinted_immutable_addresses_and_compress()
    {
        var html = await host.Client.GetStringAsync("/");
        var css = Stylesheet().Match(html).Groups[1].Value;
        var icon = SvgIcon().Match(html).Groups[1].Value;

        foreach (var href in new[] { css, icon })
        {
            using var response = await host.Client.GetAsync(href);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
            var bytes = await response.Content.ReadAsByteArrayAsync();
            // The fingerprint is the content's: a changed file gets a new address.
            Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8)), href);
        }

        using var brotli = await Get(css, "br");
        Assert.Equal(["br"], brotli.Content.Headers.ContentEncoding);
        Assert.Equal("text/css", brotli.Content.Headers.ContentType?.MediaType);
        using var plainName = await host.Client.GetAsync("/site.css");
        Assert.Equal("no-cache", plainName.Headers.CacheControl?.ToString());
        using var ico = await host.Client.GetAsync("/favicon.ico");
        Assert.Equal(HttpStatusCode.OK, ico.StatusCode);
        Assert.Equal("image/x-icon", ico.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Cached_pages_keep_security_headers()
    {
        await host.Client.GetAsync("/");
        using var cached = await Get("/", "br");
        Assert.Contains("script-src 'none'", cached.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", cached.Headers.GetValues("X-Content-Type-Options").Single());
    }

    private async Task<HttpResponseMessage> Get(string path, string acceptEncoding, EntityTagHeaderValue? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        if (ifNoneMatch is not null) request.Headers.IfNoneMatch.Add(ifNoneMatch);
        return await host.Client.SendAsync(request);
    }

    private static byte[] Decompress(byte[] bytes, string encoding)
    {
        using var input = new MemoryStream(bytes);
        using Stream decoder = encoding == "br" ? new BrotliStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"([^\"]+)\"")]
    private static partial Regex Stylesheet();

    [GeneratedRegex("<link rel=\"icon\" href=\"([^\"]+)\" type=\"image/svg")]
    private static partial Regex SvgIcon();
}
