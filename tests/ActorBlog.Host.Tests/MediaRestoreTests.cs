using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;
using SkiaSharp;

namespace ActorBlog.Host.Tests;

/// <summary>
/// The disaster drill with images: they live inside blog.db, so the one backup carries them, and
/// after the machine is lost, `restore` brings every image back, served byte for byte at its URL.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class MediaRestoreTests : IDisposable
{
    private readonly Drill _drill = new(Drill.FileTargetConfig);

    [Fact]
    public async Task After_losing_the_machine_restore_serves_every_image_again_byte_for_byte()
    {
        var originals = new Dictionary<string, byte[]>
        {
            ["photo.jpg"] = TestImages.Encode(1500, 1000, SKEncodedImageFormat.Jpeg),
            ["noise.png"] = TestImages.NoisePng(600, 400, seed: 3),
            ["logo.webp"] = TestImages.Encode(300, 300, SKEncodedImageFormat.Webp),
            ["dot.gif"] = TestImages.Gif1x1,
        };
        var urls = new Dictionary<string, string>();
        var (posts, _) = await _drill.BlogWithABackupAsync(beforeBackup: async client =>
        {
            foreach (var (name, bytes) in originals)
            {
                var file = new ByteArrayContent(bytes);
                file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                var uploaded = await client.PostAsync("/api/media", new MultipartFormDataContent { { file, "file", name } });
                Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
                urls[name] = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
            }
        });

        _drill.LoseTheDataDirectory();
        var restore = await _drill.RunAsync("restore");
        Assert.True(restore.ExitCode == 0, restore.Stderr);

        var (servedPosts, served, copy) = await _drill.AfterStartAsync(async client =>
        {
            var list = await client.GetFromJsonAsync<JsonElement>("/api/posts?status=all");
            var bytes = new Dictionary<string, byte[]>();
            foreach (var (name, url) in urls) bytes[name] = await client.GetByteArrayAsync(url);
            var copy = await client.GetAsync(urls["photo.jpg"].Replace("/photo.jpg", "/640/photo.jpg"));
            return (list.GetArrayLength(), bytes, copy.StatusCode);
        });
        Assert.Equal(posts.Count, servedPosts);
        foreach (var (name, bytes) in originals) Assert.True(bytes.AsSpan().SequenceEqual(served[name]), $"{name} differs after restore");
        Assert.Equal(HttpStatusCode.OK, copy);
    }

    public void Dispose() => _drill.Dispose();
}
