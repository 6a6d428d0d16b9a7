using Microsoft.Data.Sqlite;

namespace ActorBlog.Backup.Scheduling;

/// <summary>
/// The scheduler's journal is worth keeping, but never worth refusing to start over: a journal
/// that SQLite cannot read is moved aside, and the scheduler starts afresh (its first tick then
/// backs up, which is the safe side).
/// </summary>
public static class JournalFile
{
    /// <returns>Where the unreadable journal was moved, or null when it was fine or absent.</returns>
    public static string? QuarantineIfUnreadable(string path)
    {
        if (!File.Exists(path)) return null;
        if (IsReadable(path)) return null;

        SqliteConnection.ClearAllPools();
        var aside = $"{path}.corrupt-{DateTime.UtcNow:yyyyMMddTHHmmssZ}";
        File.Move(path, aside);
        foreach (var suffix in new[] { "-wal", "-shm" })
            if (File.Exists(path + suffix)) File.Move(path + suffix, aside + suffix);
        return aside;
    }

    private static bool IsReadable(string path)
    {
        try
        {
            using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            connection.Open();
            return Sql.Scalar(connection, "PRAGMA quick_check;") as string == "ok";
        }
        catch (SqliteException)
        {
            return false;
        }
    }
}
