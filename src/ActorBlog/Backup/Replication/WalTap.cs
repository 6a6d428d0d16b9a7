using ActorBlog.Posts;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Backup.Replication;

/// <summary>
/// The writer's side of replication, on the writer's thread. When the writer opens, it turns off
/// SQLite's automatic checkpoints; the writer's first commit also starts a new <see cref="Lineage"/>
/// (in that transaction: an idle blog writes nothing); after each commit it reads the frames that
/// commit appended to the WAL and hands them on as a <see cref="CapturedTransaction"/>.
/// Because the frames are copied here, before the next transaction can begin (the only moment
/// SQLite may restart the WAL), checkpoints never have to wait for the store: the tap runs a
/// PASSIVE checkpoint itself every <c>checkpointPages</c> frames, which never waits for readers and
/// never blocks a writer. A long reader only keeps SQLite from restarting the WAL until it ends, as
/// without replication; an unreachable store costs memory (bounded by the replication actor), not WAL.
/// </summary>
/// <param name="sink">Receives each <see cref="CapturedTransaction"/> or <see cref="CaptureFailed"/> (the replication actor's Tell).</param>
public sealed class WalTap(Action<object> sink, int checkpointPages) : ICommitHook
{
    private string? _lineage;
    private string? _starting; // written by the transaction now committing; the lineage once it has committed
    private string _walPath = "";
    private WalCursor? _cursor;
    private long _revision;
    private long _framesAtCheckpoint;
    private DateTimeOffset _lastCommit = DateTimeOffset.MinValue;

    /// <summary>Call once on the new write connection, before the first command.</summary>
    public void Open(SqliteConnection connection)
    {
        Sql.Execute(connection, "PRAGMA wal_autocheckpoint = 0;");
        _walPath = connection.DataSource + "-wal";
        // What the WAL already holds belongs to earlier runs, and to the base every lineage starts from.
        _cursor = Read(cursor: null, keepPages: false).Cursor;
        _revision = Revision(connection);
    }

    public void Committing(SqliteConnection connection, SqliteTransaction transaction)
    {
        if (_lineage is null) _starting = Lineage.Start(connection, transaction);
    }

    public void Committed(SqliteConnection connection, long revision, DateTimeOffset committedAt)
    {
        _lineage ??= _starting;
        try
        {
            var read = Read(_cursor, keepPages: true);
            _cursor = read.Cursor;
            if (read.Restarted) _framesAtCheckpoint = 0;
            if (read.Commits == 0 || read.Cursor is null)
            {
                sink(new CaptureFailed(_lineage!, revision, "the commit's frames were not found in the WAL"));
            }
            else
            {
                var at = MillisecondAfter(committedAt);
                sink(new CapturedTransaction(_lineage!, _revision, revision, at, read.Cursor.PageSize, read.DatabasePages, LastImageOfEachPage(read.Pages)));
            }
            _revision = revision;
            if (_cursor is { } c && c.NextFrame - _framesAtCheckpoint >= checkpointPages)
            {
                Sql.Execute(connection, "PRAGMA wal_checkpoint(PASSIVE);");
                _framesAtCheckpoint = c.NextFrame;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
        {
            _revision = revision;
            _cursor = null;
            sink(new CaptureFailed(_lineage!, revision, e.Message));
        }
    }

    private WalRead Read(WalCursor? cursor, bool keepPages)
    {
        if (!File.Exists(_walPath)) return new WalRead([], 0, 0, null, Restarted: cursor is not null);
        using var wal = new FileStream(_walPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        return WalFile.ReadCommitted(wal, cursor, keepPages);
    }

    /// <summary>Commit times are kept strictly increasing at millisecond precision, so a time names at most one transaction.</summary>
    private DateTimeOffset MillisecondAfter(DateTimeOffset at)
    {
        var ms = DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());
        if (ms <= _lastCommit) ms = _lastCommit.AddMilliseconds(1);
        _lastCommit = ms;
        return ms;
    }

    /// <summary>A page the transaction wrote twice (spilled, then written again) matters only as it was last.</summary>
    private static IReadOnlyList<WalPage> LastImageOfEachPage(IReadOnlyList<WalPage> pages)
    {
        var last = new Dictionary<uint, int>();
        for (var i = 0; i < pages.Count; i++) last[pages[i].PageNumber] = i;
        return last.Count == pages.Count ? pages : pages.Where((p, i) => last[p.PageNumber] == i).ToList();
    }

    private static long Revision(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key = 'revision'";
        return Convert.ToInt64(command.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }
}
