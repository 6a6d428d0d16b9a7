using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Media;
using ActorBlog.Posts;
using SkiaSharp;

namespace ActorBlog.Host.Tests;

/// <summary>
/// The desk in a real browser (tests/browser/desk.js: Debian chromium via playwright-core) against
/// the real host: sign in, write with two images, preview, publish, read it, conflict, sign out.
/// Screenshots land in artifacts/desk/.
/// </summary>
[Collection(ExternalToolsCollection.Name)]
public sealed class DeskBrowserTests(ExternalTools tools) : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync("actorblog.backup.interval = 1h");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_author_writes_publishes_and_meets_a_conflict_in_chromium()
    {
        var artifacts = ExternalTools.ArtifactsDirectory("desk");
        foreach (var old in Directory.EnumerateFiles(artifacts, "*.png")) File.Delete(old);
        var photo = Path.Combine(_host.Root, "sea-photo.jpg");
        await File.WriteAllBytesAsync(photo, TestImages.Encode(1800, 1200, SKEncodedImageFormat.Jpeg, 85));
        var dropped = Path.Combine(_host.Root, "dropped.png");
        await File.WriteAllBytesAsync(dropped, TestImages.Encode(900, 600, SKEncodedImageFormat.Png));

        var environment = new Dictionary<string, string>
        {
            ["NODE_PATH"] = tools.NodeModules,
            ["CHROMIUM"] = ExternalTools.Chromium(),
            ["BASE_URL"] = _host.Address.ToString().TrimEnd('/'),
            ["TOKEN"] = TestHost.Token,
            ["IMAGE"] = photo,
            ["DROP_IMAGE"] = dropped,
            ["ARTIFACTS"] = artifacts,
        };
        var (exit, stdout, stderr) = await ExternalTools.RunAsync("node", [Path.Combine(tools.BrowserDirectory, "desk.js")],
            TimeSpan.FromMinutes(4), environment, tools.BrowserDirectory);

        Assert.True(exit == 0, $"desk.js exited {exit}\n{stderr}\n{stdout}");
        foreach (var shot in new[] { "desk-editor.png", "reader-post.png", "desk-conflict.png", "desk-phone.png", "desk-backups.png" })
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(artifacts, shot));
            Assert.Equal(ImageKind.Png, ImageKind.Identify(bytes));
        }
        // What the browser did, seen from the database: one published post holding both uploads.
        var post = Assert.Single(_host.Services.GetRequiredService<PostReader>().ForAuthor(PostStatus.Published));
        Assert.Equal("A walk by the sea", post.Title);
        var images = _host.Services.GetRequiredService<MediaReader>().List();
        Assert.Equal(["dropped-picture.png", "sea-photo.jpg"], images.Select(i => i.FileName).Order());
    }
}
