using ActorBlog.Posts;
using ActorBlog.Search;
using ActorBlog.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Tests.Search;

/// <summary>Search over a real SQLite file with FTS5, written through the real PostWriter.</summary>
public sealed class PostSearchTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly BlogDatabase _database;
    private readonly PostWriter _writer;
    private readonly PostSearch _search;

    public PostSearchTests()
    {
        _database = new BlogDatabase(_dir.File("blog.db"), TimeSpan.FromSeconds(5));
        _database.Migrate();
        _writer = new PostWriter(_database.OpenWriter(), new MarkdownRenderer(), TimeProvider.System);
        _search = new PostSearch(_database, new PostReader(_database));
    }

    public void Dispose()
    {
        _writer.Dispose();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private Post Create(string title, string markdown, string status = "published") =>
        Assert.IsType<PostSaved>(_writer.Apply([new CreatePost(new PostInput(title, null, markdown, [], status))]).Single()).Post;

    private List<string> Titles(string query, int page = 1, int size = 10) =>
        _search.Search(query, page, size).Hits.Select(h => h.Post.Title).ToList();

    [Fact]
    public void Finds_published_posts_by_their_words_title_matches_first_with_marked_snippets()
    {
        Create("Gardening notes", "The **zucchini** grew well this year, and so did the beans.");
        Create("Zucchini bread", "A recipe with flour and sugar.");
        Create("Unrelated", "Nothing to see.");

        var results = _search.Search("zucchini", 1, 10);

        Assert.Equal(["Zucchini bread", "Gardening notes"], results.Hits.Select(h => h.Post.Title));
        Assert.Equal(2, results.Total);
        var snippet = results.Hits.Single(h => h.Post.Title == "Gardening notes").Snippet;
        Assert.Contains($"{PostSearch.MarkStart}zucchini{PostSearch.MarkEnd}", snippet);
        Assert.DoesNotContain("**", snippet);
    }

    [Fact]
    public void Drafts_never_match_and_unpublishing_or_deleting_takes_a_post_out()
    {
        Create("Secret plan", "quokka sightings", status: "draft");
        var shown = Create("Public quokka", "more quokka");
        var deleted = Create("Deleted quokka", "quokka again");
        Assert.Equal(["Public quokka", "Deleted quokka"], Titles("quokka").Order(StringComparer.Ordinal).Reverse().ToList());

        _writer.Apply([new DeletePost(deleted.Id)]);
        Assert.Equal(["Public quokka"], Titles("quokka"));

        _writer.Apply([new UpdatePost(shown.Id, shown.Version, new PostInput(shown.Title, null, shown.Markdown, null, "draft"))]);
        Assert.Empty(Titles("quokka"));
    }

    [Fact]
    public void An_edit_reindexes_the_new_words_and_forgets_the_old()
    {
        var post = Create("Edited", "alpaca");
        _writer.Apply([new UpdatePost(post.Id, post.Version, new PostInput("Edited", null, "llama", null, null))]);

        Assert.Empty(Titles("alpaca"));
        Assert.Equal(["Edited"], Titles("llama"));
    }

    [Fact]
    public void Results_page_with_a_stable_order_and_the_last_word_matches_as_a_prefix()
    {
        for (var i = 0; i < 5; i++) Create($"Replication part {i}", "replication in depth");

        var page1 = _search.Search("replic", 1, 2);
        var page3 = _search.Search("replic", 3, 2);

        Assert.Equal(5, page1.Total);
        Assert.True(page1.HasMore);
        Assert.Equal(2, page1.Hits.Count);
        Assert.Single(page3.Hits);
        Assert.False(page3.HasMore);
        var all = Enumerable.Range(1, 3).SelectMany(p => _search.Search("replic", p, 2).Hits.Select(h => h.Post.Id)).ToList();
        Assert.Equal(5, all.Distinct().Count());
    }

    [Theory]
    [InlineData("\"(")]
    [InlineData("a OR")]
    [InlineData("NOT")]
    [InlineData("title:x")]
    [InlineData("x*y^z")]
    [InlineData("\"\"\"")]
    [InlineData("NEAR(a b, 3)")]
    [InlineData("-x +y")]
    [InlineData("{x y}: z")]
    [InlineData("\u0000\u202e\ud83d\ude00")]
    public void Any_input_is_a_valid_search(string input)
    {
        Create("Ordinary", "x y z a b");
        var results = _search.Search(input, 1, 10);
        Assert.NotNull(results);
    }

    [Fact]
    public void An_index_out_of_step_is_rebuilt_from_the_posts_at_migration()
    {
        Create("Indexed wombat", "wombat");
        Create("Hidden wombat", "wombat", status: "draft");
        using (var connection = _database.OpenWriter())
        {
            using var wipe = connection.CreateCommand();
            wipe.CommandText = "DELETE FROM post_search";
            wipe.ExecuteNonQuery();
        }
        Assert.Empty(Titles("wombat"));

        _database.Migrate();

        Assert.Equal(["Indexed wombat"], Titles("wombat"));
    }
}
