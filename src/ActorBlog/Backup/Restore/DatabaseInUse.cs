using Microsoft.Data.Sqlite;

namespace ActorBlog.Backup.Restore;

/// <summary>
/// Tells whether any process (a running host above all) has a database open, and keeps others
/// out while a restore works. A host keeps a WAL-mode connection open for its whole life, idle
/// most of the time, so <c>BEGIN EXCLUSIVE</c> alone would not notice it (in WAL mode that only
/// excludes other writers). In exclusive locking mode SQLite must take the EXCLUSIVE lock on the
/// database file itself, which any open WAL connection's SHARED lock prevents; the OS drops those
/// locks when a process dies, so a crashed host does not block a restore. It sees a host, sqlite3 or
/// any other connection, in this process or another.
/// </summary>
public sealed class DatabaseInUse : IDisposable
{
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromMilliseconds(250);
    private readonly SqliteConnection _connection;

    private DatabaseInUse(SqliteConnection connection) => _connection = connection;

    /// <summary>
    /// Locks an existing database against every other connection; null when another one has it
    /// open. Dispose to let go. Closing may fold a leftover WAL into the file (same content).
    /// </summary>
    public static DatabaseInUse? TryLock(string databasePath)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 1,
        }.ToString());
        try
        {
            connection.Open();
            // One statement per command: the lock is taken by the first read after exclusive mode is set.
            Sql.Scalar(connection, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}");
            Sql.Scalar(connection, "PRAGMA locking_mode = EXCLUSIVE");
            Sql.Scalar(connection, "BEGIN EXCLUSIVE");
            Sql.Scalar(connection, "SELECT count(*) FROM sqlite_master");
            return new DatabaseInUse(connection);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6) // SQLITE_BUSY, SQLITE_LOCKED
        {
            connection.Dispose();
            return null;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            Sql.Execute(_connection, "ROLLBACK;");
        }
        catch (SqliteException)
        {
        }
        _connection.Dispose();
    }
}
