using Microsoft.Data.Sqlite;

namespace ActorBlog.Posts;

/// <summary>
/// The blog's SQLite file: how to open it for the one writer and for the many readers.
/// Readers use WAL snapshots, so pages never wait behind a commit.
/// </summary>
public sealed class BlogDatabase(string path, TimeSpan busyTimeout)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>Opens the write connection: WAL, synchronous=FULL so a reply means durable, foreign keys on.</summary>
    public SqliteConnection OpenWriter()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var connection = Open(SqliteOpenMode.ReadWriteCreate, pooling: false);
        Sql.Execute(connection, $"""
            PRAGMA busy_timeout = {(int)busyTimeout.TotalMilliseconds};
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            PRAGMA foreign_keys = ON;
            """);
        return connection;
    }

    /// <summary>A pooled read-only connection; dispose it to return it to the pool.</summary>
    public SqliteConnection OpenReader() => Open(SqliteOpenMode.ReadOnly, pooling: true);

    private SqliteConnection Open(SqliteOpenMode mode, bool pooling)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = mode,
            Pooling = pooling,
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>
    /// Creates the file if needed and brings its schema up to date, and the search index with it
    /// (a new index, or a database restored from before one, is filled here). Run once, before serving.
    /// </summary>
    public void Migrate()
    {
        using var connection = OpenWriter();
        Schema.Migrate(connection);
        Search.SearchIndex.RebuildIfIncomplete(connection);
    }

    /// <summary>Folds the WAL into the main file, so the file alone is the whole database.</summary>
    public static void Checkpoint(SqliteConnection connection) =>
        Sql.Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
}
