using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;

namespace ActorBlog.Host.Tests.Readers;

/// <summary>
/// The real host with posts a real blog has: a long unbroken URL and inline code (what pushed a
/// phone's page wide), a highlighted code block, an aligned table, a quote, tags, and enough
/// posts for a second page. Written through the author API, as an author would.
/// </summary>
public sealed class SeededBlog : IAsyncLifetime
{
    public const string SearchWord = "replication";

    public const string RichMarkdown = """
        Replication ships every committed write to the store. A long address that must wrap on a phone:
        https://example.com/a/very/long/path/that/keeps/going/and/going/without/any/break/at/all/until/the/end/index.html

        An inline span of code that is long: `ActorBlog.Backup.Replication.ReplicationActor.ShipPendingChangeObjectsToTheTarget()`.

        ```csharp
        // The writer answers once the commit is durable.
        public sealed record PostSaved(Post Post, bool Created) : WriteResult;
        var reply = await store.Ask<WriteResult>(new CreatePost(input, rendered), TimeSpan.FromSeconds(10));
        ```

        | setting | default | meaning |
        |:--|:-:|--:|
        | interval | 1h | how often a backup is due |
        | keep-last | 24 | backups kept |

        > A quote, for good measure, with a [relative link](/tags/backup).
        """;

    public TestHost Host { get; private set; } = null!;
    public string RichSlug { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Host = await TestHost.StartAsync("""
            actorblog.backup.enabled = off
            actorblog.blog { title = "Seeded Blog", description = "A blog with every kind of page.", author = "Ada Writer", page-size = 3 }
            """);
        RichSlug = await CreateAsync("Replication, explained", RichMarkdown, ["backup", "replication"]);
        for (var i = 0; i < 4; i++) await CreateAsync($"Notes {i}", $"Short note number {i} about *marzipan* and other things.", ["notes"]);
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    /// <summary>One address for each kind of reader page, and the status it answers.</summary>
    public IReadOnlyList<(string Name, string Path, int Status)> Pages =>
    [
        ("home", "/", 200), ("home-page-2", "/?page=2", 200), ("post", $"/posts/{RichSlug}", 200), ("tag", "/tags/notes", 200),
        ("tags", "/tags", 200), ("search", $"/search?q={SearchWord}", 200), ("search-empty", "/search", 200),
        ("search-no-match", "/search?q=zzzzqqq", 200), ("not-found", "/no/such/page", 404),
    ];

    private async Task<string> CreateAsync(string title, string markdown, string[] tags)
    {
        var response = await Host.Client.PostAsJsonAsync("/api/posts", new { title, markdown, tags, status = "published" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString()!;
    }
}
