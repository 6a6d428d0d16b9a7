using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;

namespace ActorBlog.Host.Tests.Readers;

/// <summary>
/// Every reader page in Debian's chromium (playwright-core, tests/browser/readers.cjs) at 1280 px
/// and 390 px: no horizontal overflow, no console error, no failed request, and a search typed into
/// the form finds the post. Screenshots land in artifacts/browser/.
/// </summary>
[Collection(ExternalToolsCollection.Name)]
public sealed class BrowserTests(ExternalTools tools, SeededBlog blog) : IClassFixture<SeededBlog>
{
    private static readonly TimeSpan BrowserTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Reader_pages_fit_desktop_and_phone_without_console_errors_and_search_finds_a_post()
    {
        var screenshots = ExternalTools.ArtifactsDirectory("browser");
        var spec = JsonSerializer.Serialize(new
        {
            pages = blog.Pages.Select(p => new { name = p.Name, path = p.Path, status = p.Status }),
            search = new { word = SeededBlog.SearchWord, expectPath = $"/posts/{blog.RichSlug}" },
        });

        var (code, stdout, stderr) = await ExternalTools.RunAsync("node",
            [Path.Combine(tools.BrowserDirectory, "readers.cjs"), blog.Host.Address.AbsoluteUri, screenshots, spec],
            BrowserTimeout, new Dictionary<string, string> { ["NODE_PATH"] = tools.NodeModules, ["CHROME_PATH"] = ExternalTools.Chromium() });

        Assert.True(code == 0, $"readers.cjs exited {code}\n{stderr}\n{stdout}");
        using var report = JsonDocument.Parse(stdout);
        Assert.Empty(report.RootElement.GetProperty("failures").EnumerateArray());
        var pages = report.RootElement.GetProperty("pages").EnumerateArray().ToList();
        Assert.Equal(blog.Pages.Count * 2, pages.Count);
        foreach (var page in pages)
        {
            Assert.True(File.Exists(page.GetProperty("screenshot").GetString()), page.ToString());
            var widths = page.GetProperty("widths");
            Assert.True(widths.GetProperty("scroll").GetInt32() <= widths.GetProperty("client").GetInt32(), page.ToString());
        }
        Assert.Equal(2, report.RootElement.GetProperty("search").GetArrayLength());
    }
}
