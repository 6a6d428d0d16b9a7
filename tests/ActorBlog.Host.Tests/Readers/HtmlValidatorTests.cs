using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;

namespace ActorBlog.Host.Tests.Readers;

/// <summary>Every kind of reader page through the Nu Html Checker (npm vnu-jar, the machine's Java): no error, no warning.</summary>
[Collection(ExternalToolsCollection.Name)]
public sealed class HtmlValidatorTests(ExternalTools tools, SeededBlog blog) : IClassFixture<SeededBlog>
{
    [Fact]
    public async Task Every_reader_page_type_passes_the_Nu_Html_Checker()
    {
        var folder = ExternalTools.ArtifactsDirectory("html");
        using var reader = blog.Host.NewClient(null);
        var files = new List<string>();
        foreach (var (name, path, status) in blog.Pages)
        {
            using var response = await reader.GetAsync(path);
            Assert.Equal(status, (int)response.StatusCode);
            var file = Path.Combine(folder, name + ".html");
            await File.WriteAllBytesAsync(file, await response.Content.ReadAsByteArrayAsync());
            files.Add(file);
        }

        var (code, stdout, stderr) = await ExternalTools.RunAsync(ExternalTools.Java(),
            ["-jar", tools.VnuJar, "--format", "json", "--stdout", .. files], TimeSpan.FromMinutes(5));

        using var report = JsonDocument.Parse(stdout);
        var problems = report.RootElement.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("type").GetString() != "info" || (m.TryGetProperty("subType", out var sub) && sub.GetString() == "warning"))
            .Select(m => $"{Path.GetFileName(m.GetProperty("url").GetString())}: {m.GetProperty("type").GetString()} {m.GetProperty("message").GetString()}")
            .ToList();
        Assert.True(problems.Count == 0, string.Join('\n', problems) + "\n" + stderr);
        Assert.True(code == 0, $"vnu exited {code}: {stderr}");
    }
}
