using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;

namespace ActorBlog.Host.Tests.Readers;

/// <summary>The Atom feed as a real feed reader parses it (Debian's python3-feedparser, tests/feeds/parse_feed.py).</summary>
public sealed class FeedParserTests
{
    [Fact]
    public async Task The_feed_is_not_bozo_names_authors_and_keeps_its_ids_when_base_url_changes()
    {
        var python = await ExternalTools.PythonWithFeedparserAsync();
        using var data = new TempDirectory();
        string Config(string baseUrl) => $$"""
            actorblog.backup.enabled = off
            actorblog.data-dir = "{{data.Path}}"
            actorblog.blog { base-url = "{{baseUrl}}", author = "Ada Writer", description = "Feeds, parsed." }
            """;

        JsonElement before;
        await using (var first = await TestHost.StartAsync(Config("http://localhost:5080/")))
        {
            foreach (var title in new[] { "First entry", "Second entry" })
            {
                var created = await first.Client.PostAsync("/api/posts", new StringContent(
                    JsonSerializer.Serialize(new { title, markdown = SeededBlog.RichMarkdown, status = "published" }), System.Text.Encoding.UTF8, "application/json"));
                Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
            }
            before = await ParseAsync(python, first, data.File("before.xml"));
        }
        await using var second = await TestHost.StartAsync(Config("https://blog.example.com/"));
        var after = await ParseAsync(python, second, data.File("after.xml"));

        foreach (var feed in new[] { before, after })
        {
            Assert.False(feed.GetProperty("bozo").GetBoolean(), feed.GetProperty("bozo_exception").GetString());
            Assert.Equal("atom10", feed.GetProperty("version").GetString());
            Assert.Equal("Feeds, parsed.", feed.GetProperty("subtitle").GetString());
            var entries = feed.GetProperty("entries").EnumerateArray().ToList();
            Assert.Equal(2, entries.Count);
            Assert.All(entries, e => Assert.Equal("Ada Writer", e.GetProperty("author").GetString()));
            // The quote's relative link, made absolute against the base-url of the moment.
            Assert.All(entries, e => Assert.DoesNotContain("href=\"/tags/backup\"", e.GetProperty("content").GetString()));
        }
        Assert.Equal(Ids(before), Ids(after));
        Assert.All(Ids(after), id => Assert.StartsWith("tag:localhost,", id));
        Assert.All(after.GetProperty("entries").EnumerateArray(), e => Assert.StartsWith("https://blog.example.com/posts/", e.GetProperty("link").GetString()));
        Assert.Contains("href=\"https://blog.example.com/tags/backup\"", after.GetProperty("entries")[0].GetProperty("content").GetString());
    }

    private static List<string?> Ids(JsonElement feed) => feed.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();

    private static async Task<JsonElement> ParseAsync(string python, TestHost host, string file)
    {
        await File.WriteAllBytesAsync(file, await host.Client.GetByteArrayAsync("/feed.xml"));
        var script = Path.Combine(ExternalTools.RepositoryRoot(), "tests", "feeds", "parse_feed.py");
        var (code, stdout, stderr) = await ExternalTools.RunAsync(python, [script, file], TimeSpan.FromMinutes(2));
        Assert.True(code == 0, $"parse_feed.py exited {code}: {stderr}");
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }
}
