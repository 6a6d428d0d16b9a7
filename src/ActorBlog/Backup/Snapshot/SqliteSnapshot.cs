using ActorBlog.Posts;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Backup.Snapshot;

/// <summary>A consistent copy of the blog database, checked, with what it holds.</summary>
public sealed record SnapshotFile(string Path, long Revision, long PostCount, long SizeBytes)
{
    /// <summary>The replication lineage the copy continues (see <see cref="Replication.Lineage"/>), or null.</summary>
    public string? Lineage { get; init; }
}

/// <summary>How much of a database file <see cref="SqliteSnapshot.Inspect"/> checks.</summary>
public enum SnapshotCheck
{
    /// <summary><c>quick_check</c> of the pages alone, without the virtual tables' own checks (<see cref="IntegrityCheck.QuickCheckPages"/>): a backup's staged copy.</summary>
    Pages,

    /// <summary>The full <c>integrity_check</c>, the search index's own check included (<see cref="IntegrityCheck.Run"/>): every restore and drill.</summary>
    Full,
}

/// <summary>
/// Takes a point-in-time copy through SQLite's online backup API: every page under one read
/// snapshot, commits still in the WAL included, while the writer keeps committing. Never a
/// raw copy of the live file, which could be torn and would miss the WAL.
/// </summary>
public static class SqliteSnapshot
{
    /// <summary>
    /// Blocking; run it off the dispatcher. The copy is not checked here: the backup runs
    /// <see cref="Inspect"/> (quick_check) on it while it is being encoded and uploaded, and
    /// publishes nothing unless the check passes.
    /// </summary>
    public static void Take(string databasePath, string destinationPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destinationPath)!);
        TempFiles.CreatePrivate(destinationPath);
        try
        {
            using var source = Open(databasePath, SqliteOpenMode.ReadOnly);
            using var destination = Open(destinationPath, SqliteOpenMode.ReadWrite);
            // A staging copy, checked and deleted once stored: never fsync it. Forcing its pages to
            // disk costs the whole file in writes that otherwise die in the page cache, and on
            // ext4 the live writer's own fsyncs queue behind them.
            Sql.Execute(destination, "PRAGMA synchronous = OFF;");
            source.BackupDatabase(destination);
            // The copy is a standalone file: rollback journal, so no -wal is needed beside it.
            Sql.Execute(destination, "PRAGMA journal_mode = DELETE;");
        }
        catch
        {
            File.Delete(destinationPath);
            throw;
        }
    }

    /// <summary>
    /// Checks a database file and reads its revision and post count; throws <see cref="InvalidDataException"/>,
    /// naming the check, when it is not sound.
    /// </summary>
    public static SnapshotFile Inspect(string path, SnapshotCheck check)
    {
        var (name, full) = check switch
        {
            // The full check runs on connections of its own (IntegrityCheck.Run); the pages' check on the one below.
            SnapshotCheck.Full => ("integrity_check", IntegrityCheck.Run(path)),
            SnapshotCheck.Pages => ("quick_check", null),
            _ => throw new ArgumentOutOfRangeException(nameof(check), check, null),
        };
        using var connection = Open(path, SqliteOpenMode.ReadOnly);
        // The posts, revision and lineage below are ordinary tables, readable without the modules.
        var result = full ?? IntegrityCheck.QuickCheckPages(connection);
        if (result != "ok")
            throw new InvalidDataException($"the database copy failed {name}: {result}");
        var revision = AsBlog(() => Schema.Revision(connection));
        var posts = AsBlog(() => Sql.Long(connection, "SELECT COUNT(*) FROM posts"));
        return new SnapshotFile(path, revision, posts, new FileInfo(path).Length) { Lineage = Replication.Lineage.Read(connection) };
    }

    /// <summary>The live database's revision: one indexed read, whatever the database's size.</summary>
    public static long CurrentRevision(string databasePath)
    {
        using var connection = Open(databasePath, SqliteOpenMode.ReadOnly);
        return AsBlog(() => Schema.Revision(connection));
    }

    /// <summary>A connection of its own, never pooled: <see cref="IntegrityCheck"/> drops modules from one, which must not be handed on.</summary>
    internal static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>Reads a file that should be a blog database; one that has not our tables says so.</summary>
    private static long AsBlog(Func<long> read)
    {
        try
        {
            return read();
        }
        catch (SqliteException e)
        {
            throw new InvalidDataException($"not an ActorBlog database: {e.Message}", e);
        }
    }
}
