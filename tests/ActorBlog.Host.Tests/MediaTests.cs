using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Media;
using ActorBlog.Posts;
using ActorBlog.Tests.Infrastructure;
using SkiaSharp;

namespace ActorBlog.Host.Tests;

/// <summary>
/// Images inside blog.db through the real host: what is stored, what is refused (each refusal
/// leaves the database and the staging folder exactly as they were), and how it is served.
/// </summary>
public sealed class MediaTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync("actorblog.backup.enabled = off");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static MultipartFormDataContent Form(byte[] bytes, string fileName, string declaredType)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(declaredType);
        return new MultipartFormDataContent { { file, "file", fileName } };
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> UploadAsync(HttpContent content)
    {
        var response = await _host.Client.PostAsync("/api/media", content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private (long Revision, string Database, int Staged) Snapshot() =>
        (_host.Services.GetRequiredService<PostReader>().Revision(), Files.DatabaseFingerprint(_host.Options.Blog.DatabasePath),
         Directory.Exists(_host.Options.Backup.TempDir) ? Directory.GetFiles(_host.Options.Backup.TempDir).Length : 0);

    [Fact]
    public async Task A_png_named_svg_is_stored_as_a_png_and_served_byte_for_byte()
    {
        var png = TestImages.Encode(300, 200, SKEncodedImageFormat.Png);

        var (status, body) = await UploadAsync(Form(png, "Holiday Photo!.svg", "image/svg+xml"));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("image/png", body.GetProperty("contentType").GetString());
        Assert.Equal(300, body.GetProperty("width").GetInt32());
        Assert.Equal(200, body.GetProperty("height").GetInt32());
        Assert.Equal(png.Length, body.GetProperty("bytes").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(png)), body.GetProperty("sha256").GetString());
        var url = body.GetProperty("url").GetString()!;
        Assert.Matches(@"^/media/\d+/holiday-photo\.png$", url);

        var served = await _host.NewClient(null).GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(png, await served.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", served.Content.Headers.ContentType!.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", served.Headers.CacheControl!.ToString());
        Assert.Equal("nosniff", served.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("inline; filename=\"holiday-photo.png\"", served.Content.Headers.ContentDisposition!.ToString());
        var etag = served.Headers.ETag!;
        Assert.False(etag.IsWeak);

        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await _host.NewClient(null).SendAsync(again)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.NewClient(null).GetAsync(url.Replace("holiday-photo", "other"))).StatusCode);
    }

    public static TheoryData<string, byte[], string, int> Refusals => new()
    {
        { "an SVG named .png", Encoding.UTF8.GetBytes(TestImages.Svg), "photo.png", 415 },
        { "a text file", "just words\n"u8.ToArray(), "notes.jpg", 415 },
        { "an empty file", [], "empty.png", 415 },
        { "a truncated JPEG", TestImages.Half(TestImages.Encode(800, 600, SKEncodedImageFormat.Jpeg)), "cut.jpg", 422 },
        { "a PNG bomb: 100000 x 100000 pixels in a tiny file", TestImages.BombPng(100_000), "bomb.png", 422 },
        { "a PNG with its pixel data cut off", TestImages.Half(TestImages.Encode(400, 400, SKEncodedImageFormat.Png)), "cut.png", 422 },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refused_uploads_get_a_clear_answer_and_store_nothing(string what, byte[] bytes, string name, int expected)
    {
        var before = Snapshot();

        var (status, body) = await UploadAsync(Form(bytes, name, "image/png"));

        Assert.True((int)status == expected, $"{what}: {(int)status} {body}");
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("detail").GetString()));
        Assert.Equal(before, Snapshot());
        Assert.Empty(_host.Services.GetRequiredService<MediaReader>().List());
    }

    [Fact]
    public async Task A_bomb_is_refused_naming_its_size_before_any_decoding()
    {
        var bomb = TestImages.BombPng(100_000);
        Assert.True(bomb.Length < 100_000, $"the bomb is {bomb.Length} bytes");

        var (_, body) = await UploadAsync(Form(bomb, "bomb.png", "image/png"));

        Assert.Contains("100000 x 100000", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_10_MB_image_is_stored_with_page_sized_copies_and_served_whole()
    {
        var image = TestImages.NoisePng(1850, 1850, seed: 10);
        Assert.InRange(image.Length, 10_000_000, _host.Options.Media.MaxBytes);

        var (status, body) = await UploadAsync(Form(image, "noise.png", "image/png"));

        Assert.Equal(HttpStatusCode.Created, status);
        var url = body.GetProperty("url").GetString()!;
        Assert.Equal(image, await _host.NewClient(null).GetByteArrayAsync(url));
        var id = body.GetProperty("id").GetInt64();
        foreach (var width in MediaUrls.VariantWidths)
        {
            var copy = await _host.NewClient(null).GetAsync(MediaUrls.Variant(id, width, "noise.png"));
            Assert.Equal(HttpStatusCode.OK, copy.StatusCode);
            Assert.Equal("image/webp", copy.Content.Headers.ContentType!.MediaType);
            using var codec = SKCodec.Create(new MemoryStream(await copy.Content.ReadAsByteArrayAsync()));
            Assert.Equal((width, width), (codec.Info.Width, codec.Info.Height));
        }
    }

    [Fact]
    public async Task An_upload_over_the_limit_is_413_even_when_streamed_without_a_length()
    {
        var max = _host.Options.Media.MaxBytes;
        var tooBig = new byte[max + 1];
        TestImages.Encode(64, 64, SKEncodedImageFormat.Png).CopyTo(tooBig, 0);
        var before = Snapshot();

        // A declared length over the limit is refused before the body is read...
        var (declared, _) = await UploadAsync(Form(tooBig, "big.png", "image/png"));
        // ...and a chunked body (no length) is counted as it streams and cut off at the limit.
        var chunked = new MultipartFormDataContent { { new StreamContent(new MemoryStream(tooBig)), "file", "big.png" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/media") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        var streamed = await _host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, streamed.StatusCode);
        Assert.Contains("at most 10 MiB", await streamed.Content.ReadAsStringAsync());
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Listing_and_deleting_need_the_token_and_a_deleted_image_is_gone()
    {
        var (_, body) = await UploadAsync(Form(TestImages.Gif1x1, "dot.gif", "image/gif"));
        var id = body.GetProperty("id").GetInt64();
        var anonymous = _host.NewClient(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/media")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync($"/api/media/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/media", Form([1], "x.png", "image/png"))).StatusCode);

        var list = await _host.Client.GetFromJsonAsync<JsonElement>("/api/media");
        Assert.Equal(id, Assert.Single(list.EnumerateArray()).GetProperty("id").GetInt64());

        // A GIF keeps no copies (they would lose its animation): the srcset's widths serve the original.
        Assert.Equal(TestImages.Gif1x1, await anonymous.GetByteArrayAsync(MediaUrls.Variant(id, 640, "dot.gif")));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/media/{id}/333/dot.gif")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client.DeleteAsync($"/api/media/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Client.DeleteAsync($"/api/media/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(body.GetProperty("url").GetString())).StatusCode);
    }

    [Fact]
    public async Task A_post_page_offers_the_copies_of_its_uploaded_image_in_a_srcset()
    {
        var (_, body) = await UploadAsync(Form(TestImages.Encode(2000, 1000, SKEncodedImageFormat.Jpeg), "wide.jpg", "image/jpeg"));
        var url = body.GetProperty("url").GetString()!;
        var id = body.GetProperty("id").GetInt64();
        var created = await _host.Client.PostAsJsonAsync("/api/posts", new { title = "With a picture", markdown = $"![A wide one]({url})", status = "published" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var page = await _host.NewClient(null).GetStringAsync("/posts/with-a-picture");

        Assert.Contains($"src=\"{url}\"", page);
        Assert.Contains($"srcset=\"/media/{id}/640/wide.jpg 640w, /media/{id}/1280/wide.jpg 1280w\"", page);
        var copy = await _host.NewClient(null).GetAsync($"/media/{id}/640/wide.jpg");
        Assert.Equal("image/jpeg", copy.Content.Headers.ContentType!.MediaType);
        using var codec = SKCodec.Create(new MemoryStream(await copy.Content.ReadAsByteArrayAsync()));
        Assert.Equal((640, 320), (codec.Info.Width, codec.Info.Height));
    }
}
