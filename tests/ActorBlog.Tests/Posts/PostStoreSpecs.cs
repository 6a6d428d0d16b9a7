using ActorBlog.Posts;
using ActorBlog.Tests.Infrastructure;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Tests.Posts;

public sealed class PostStoreSpecs : TestKit, IDisposable
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;
    private readonly TempDirectory _dir = new();
    private readonly BlogDatabase _database;
    private readonly IActorRef _store;

    public PostStoreSpecs(Xunit.Abstractions.ITestOutputHelper output) : base(output: output)
    {
        _output = output;
        _database = new BlogDatabase(_dir.File("blog.db"), TimeSpan.FromSeconds(5));
        _database.Migrate();
        _store = Sys.ActorOf(PostStore.Props(() => new PostWriter(_database.OpenWriter(), new MarkdownRenderer(), TimeProvider.System)));
    }

    private static PostInput Input(string title, string? slug = null, string status = "published") =>
        new(title, slug, $"Body of *{title}*", ["test"], status);

    private Post Create(string title, string? slug = null)
    {
        _store.Tell(new CreatePost(Input(title, slug)));
        // Generous: the first write in a process warms Markdig and HtmlSanitizer up, seconds on a busy machine.
        return ExpectMsg<PostSaved>(TimeSpan.FromSeconds(30)).Post;
    }

    [Fact]
    public void Every_acknowledged_write_is_in_the_file_when_a_fresh_connection_opens_it()
    {
        var written = Enumerable.Range(1, 20).Select(i => Create($"Post {i}")).ToList();

        using var fresh = new SqliteConnection($"Data Source={_database.Path};Mode=ReadOnly;Pooling=False");
        fresh.Open();
        using var command = fresh.CreateCommand();
        command.CommandText = "SELECT slug FROM posts ORDER BY id";
        var slugs = new List<string>();
        using (var reader = command.ExecuteReader())
            while (reader.Read()) slugs.Add(reader.GetString(0));

        Assert.Equal(written.Select(p => p.Slug), slugs);
    }

    [Fact]
    public void Concurrent_writes_share_transactions()
    {
        const int writers = 100;
        var probes = Enumerable.Range(0, writers).Select(_ => CreateTestProbe()).ToList();
        for (var i = 0; i < writers; i++) _store.Tell(new CreatePost(Input($"Concurrent {i}")), probes[i]);
        foreach (var probe in probes) probe.ExpectMsg<PostSaved>();

        _store.Tell(PostStore.GetStats.Instance);
        var stats = ExpectMsg<PostStore.StoreStats>();
        _output.WriteLine($"{writers} concurrent writes committed in {stats.Commits} transactions");
        Assert.Equal(writers, stats.CommandsCommitted);
        Assert.InRange(stats.Commits, 1, writers - 1);
        Assert.Equal(writers, new PostReader(_database).Count());
    }

    [Fact]
    public void Rejected_commands_leave_the_file_byte_for_byte_unchanged()
    {
        var post = Create("Existing", "existing");
        using (var checkpoint = _database.OpenWriter()) BlogDatabase.Checkpoint(checkpoint);
        var before = Files.DatabaseFingerprint(_database.Path);

        _store.Tell(new CreatePost(new PostInput("", null, "x", null, null)));
        ExpectMsg<PostRejected>(r => Assert.Contains("title", r.Errors.Keys));
        _store.Tell(new CreatePost(new PostInput("Bad tags", null, "x", ["Not A Tag"], null)));
        ExpectMsg<PostRejected>(r => Assert.Contains("tags", r.Errors.Keys));
        _store.Tell(new CreatePost(Input("Another", "existing")));
        ExpectMsg<SlugTaken>(t => Assert.Equal("existing", t.Slug));
        _store.Tell(new UpdatePost(post.Id, post.Version + 1, Input("Stale")));
        ExpectMsg<VersionMismatch>(m => Assert.Equal(post.Version, m.CurrentVersion));
        _store.Tell(new UpdatePost(9999, 1, Input("Nobody")));
        ExpectMsg<PostNotFound>();
        _store.Tell(new DeletePost(9999));
        ExpectMsg<PostNotFound>();

        Assert.Equal(before, Files.DatabaseFingerprint(_database.Path));
    }

    [Fact]
    public void The_revision_rises_by_exactly_the_number_of_committed_writes()
    {
        var reader = new PostReader(_database);
        var start = reader.Revision();

        var a = Create("A");
        var b = Create("B");
        _store.Tell(new UpdatePost(a.Id, a.Version, Input("A edited")));
        ExpectMsg<PostSaved>();
        _store.Tell(new DeletePost(b.Id));
        ExpectMsg<PostDeleted>();
        _store.Tell(new CreatePost(Input("C", "a"))); // slug taken: not a write
        ExpectMsg<SlugTaken>();

        Assert.Equal(start + 4, reader.Revision());
    }

    [Fact]
    public void A_changed_slug_is_remembered_for_redirects_and_a_derived_slug_never_collides()
    {
        var first = Create("Same title");
        var second = Create("Same title");
        Assert.Equal("same-title", first.Slug);
        Assert.Equal("same-title-2", second.Slug);

        _store.Tell(new UpdatePost(first.Id, first.Version, Input("Same title", "renamed")));
        ExpectMsg<PostSaved>(s => Assert.Equal(2, s.Post.Version));

        Assert.Equal("renamed", new PostReader(_database).RenamedTo("same-title"));
    }

    [Fact]
    public void Drain_answers_once_queued_writes_are_committed_and_then_refuses_new_ones()
    {
        var probes = Enumerable.Range(0, 10).Select(_ => CreateTestProbe()).ToList();
        for (var i = 0; i < probes.Count; i++) _store.Tell(new CreatePost(Input($"Before drain {i}")), probes[i]);
        _store.Tell(PostStore.Drain.Instance);
        foreach (var probe in probes) probe.ExpectMsg<PostSaved>();
        ExpectMsg<PostStore.Drained>();

        _store.Tell(new CreatePost(Input("After drain")));
        ExpectMsg<StoreUnavailable>();
        Assert.Equal(10, new PostReader(_database).Count());
        Assert.Equal(0, new FileInfo(_database.Path + "-wal") is { Exists: true } wal ? wal.Length : 0);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
