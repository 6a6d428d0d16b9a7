using ActorBlog.Backup.Snapshot;
using ActorBlog.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Tests.Backup.Snapshot;

/// <summary>
/// The split integrity_check gives SQLite's own verdict: ok on a sound file, and not ok for damage
/// that only the b-tree check finds as well as for damage that only the search index's own check finds.
/// The quick check a backup runs on its staged copy checks the pages alone.
/// </summary>
public sealed class IntegrityCheckTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _path;

    public IntegrityCheckTests()
    {
        _path = _dir.File("blog.db");
        using var connection = Open(_path);
        Exec(connection, """
            PRAGMA journal_mode = DELETE;
            CREATE TABLE posts (id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
            CREATE INDEX posts_by_body ON posts (body);
            CREATE VIRTUAL TABLE post_search USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
            """);
        using var tx = connection.BeginTransaction();
        for (var i = 0; i < 2000; i++)
        {
            var body = $"post {i} café naïve words {i * 7919 % 1000} more words to index";
            Exec(connection, $"INSERT INTO posts (slug, body) VALUES ('post-{i}', '{body}'); INSERT INTO post_search (rowid, title, body) VALUES ({i + 1}, 'title {i}', '{body}');", tx);
        }
        tx.Commit();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public void A_sound_database_is_ok_as_SQLite_says()
    {
        Assert.Equal("ok", WholeCheck(_path));
        Assert.Equal("ok", IntegrityCheck.Run(_path));
    }

    [Fact]
    public void A_search_index_that_disagrees_with_its_documents_fails_as_SQLite_fails_it()
    {
        // The b-tree is sound; only FTS5's own check (re-tokenize, compare with the index) can see this.
        using (var connection = Open(_path))
            Exec(connection, "UPDATE post_search_content SET c1 = 'entirely different words' WHERE id = 7;");

        Assert.NotEqual("ok", WholeCheck(_path));
        var result = IntegrityCheck.Run(_path);
        Assert.NotEqual("ok", result);
        Assert.Contains("post_search", result);
    }

    [Fact]
    public void A_damaged_index_page_fails_as_SQLite_fails_it()
    {
        long root, pageSize;
        using (var connection = Open(_path))
        {
            root = Scalar(connection, "SELECT rootpage FROM sqlite_schema WHERE name = 'posts_by_body';");
            pageSize = Scalar(connection, "PRAGMA page_size;");
        }
        // The index's root page gets a page type that no b-tree page has.
        using (var file = new FileStream(_path, FileMode.Open, FileAccess.Write))
        {
            file.Position = (root - 1) * pageSize;
            file.WriteByte(0x6b);
        }

        Assert.NotEqual("ok", WholeCheck(_path));
        Assert.NotEqual("ok", IntegrityCheck.Run(_path));
    }

    [Theory]
    [InlineData("posts_by_body")]
    [InlineData("post_search_data")] // a shadow table of the search index: its pages are checked too
    public void The_quick_check_of_a_backups_pages_fails_on_a_damaged_page(string table)
    {
        DamageRootPage(table);

        using var connection = Open(_path);
        Assert.NotEqual("ok", IntegrityCheck.QuickCheckPages(connection));
    }

    [Fact]
    public void The_quick_check_of_a_backups_pages_leaves_the_search_index_against_its_documents_to_the_full_check()
    {
        using (var connection = Open(_path))
            Exec(connection, "UPDATE post_search_content SET c1 = 'entirely different words' WHERE id = 7;");

        using (var connection = Open(_path))
            Assert.Equal("ok", IntegrityCheck.QuickCheckPages(connection));
        // What every restore and drill runs still finds it.
        Assert.Contains("post_search", IntegrityCheck.Run(_path));
    }

    /// <summary>The table's root page gets a page type that no b-tree page has.</summary>
    private void DamageRootPage(string table)
    {
        long root, pageSize;
        using (var connection = Open(_path))
        {
            root = Scalar(connection, $"SELECT rootpage FROM sqlite_schema WHERE name = '{table}';");
            pageSize = Scalar(connection, "PRAGMA page_size;");
        }
        using var file = new FileStream(_path, FileMode.Open, FileAccess.Write);
        file.Position = (root - 1) * pageSize;
        file.WriteByte(0x6b);
    }

    private static string WholeCheck(string path)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        return (string)command.ExecuteScalar()!;
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        return connection;
    }

    private static void Exec(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
