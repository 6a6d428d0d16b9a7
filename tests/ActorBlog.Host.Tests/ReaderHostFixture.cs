using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Posts;
using Akka.Actor;
using Akka.Hosting;

namespace ActorBlog.Host.Tests;

/// <summary>
/// The real host (<see cref="TestHost"/>: <c>BlogHost.Build</c>, with its page cache, security
/// headers and static files) on loopback, over a real SQLite file in a temp directory, with the
/// backup schedule off. Posts are written through the host's own PostStore actor, as the author
/// API writes them, so every write moves the revision the page cache keys on.
/// </summary>
public sealed class ReaderHostFixture : IAsyncLifetime
{
    public const int PageSize = 3;
    public const string BlogTitle = "Test <Blog> & Co";

    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(30);

    private TestHost _host = null!;

    public TestHost Host => _host;
    /// <summary>A reader's client: no token, never follows redirects.</summary>
    public HttpClient Client { get; private set; } = null!;
    public PostReader Reader => _host.Services.GetRequiredService<PostReader>();

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync($$"""
            actorblog.backup.enabled = off
            actorblog.blog { title = "Test <Blog> & Co", description = "Notes on <testing> & things.", base-url = "https://blog.example.org/", page-size = {{PageSize}} }
            """);
        Client = _host.NewClient(null);
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        await _host.DisposeAsync();
    }

    /// <summary>Writes a new post; <paramref name="slug"/> defaults to a unique one so tests never collide.</summary>
    public Task<Post> CreateAsync(string title, string markdown = "Some *text*.", IReadOnlyList<string>? tags = null, string status = "published", string? slug = null) =>
        SavedAsync(new CreatePost(new PostInput(title, slug ?? UniqueSlug(), markdown, tags ?? [], status)));

    public Task<Post> UpdateAsync(Post post, PostInput input) => SavedAsync(new UpdatePost(post.Id, post.Version, input));

    public async Task DeleteAsync(long id) => Assert.IsType<PostDeleted>(await SendAsync(new DeletePost(id)));

    /// <summary>
    /// Writes a post the PostStore would refuse (it validates first), straight through a
    /// <see cref="PostWriter"/> on the same file, then tells the page cache a commit happened:
    /// for tests of what a page does with data that slipped past validation.
    /// </summary>
    public Post CreateUnvalidated(string title, string markdown, IReadOnlyList<string> tags)
    {
        var database = _host.Services.GetRequiredService<BlogDatabase>();
        using var writer = new PostWriter(database.OpenWriter(), _host.Services.GetRequiredService<MarkdownRenderer>(), TimeProvider.System);
        var result = writer.Apply([new CreatePost(new PostInput(title, UniqueSlug(), markdown, tags, "published"))]).Single();
        _host.Services.GetRequiredService<RevisionSignal>().Advance(writer.Revision);
        return Assert.IsType<PostSaved>(result).Post;
    }

    public static string UniqueSlug() => "p-" + Guid.NewGuid().ToString("N")[..12];

    public static string UniqueTag() => "t-" + Guid.NewGuid().ToString("N")[..12];

    private async Task<Post> SavedAsync(PostCommand command) => Assert.IsType<PostSaved>(await SendAsync(command)).Post;

    private Task<WriteResult> SendAsync(PostCommand command) =>
        _host.Services.GetRequiredService<IRequiredActor<PostStore>>().ActorRef.Ask<WriteResult>(command, WriteTimeout);
}
