using System.Security.Cryptography;
using ActorBlog.Posts;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Backup.Replication;

/// <summary>
/// A lineage names one unbroken run of commits by one writer: it starts with the writer's first
/// commit (inside that transaction, so opening a blog writes nothing) and is stored in the database itself (<c>meta</c>, key <c>lineage</c>), so every snapshot carries the
/// lineage whose change objects continue it, with no wiring between the backup and the writer.
/// Anything that changes the file outside the writer (migrations at start-up, a restore, an
/// operator's copy) happens before a writer opens, so it is always followed by a new lineage; a
/// restore removes the value, so a copy of a restored file never borrows the old lineage's changes.
/// Stored as a random 63-bit integer, shown and keyed as 16 hex digits.
/// </summary>
public static class Lineage
{
    public const int Length = 16;
    private const string Key = "lineage";

    public static bool IsValid(string? lineage) =>
        lineage is { Length: Length } && lineage.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    /// <summary>Writes a new lineage inside <paramref name="transaction"/>; returns it.</summary>
    public static string Start(SqliteConnection connection, SqliteTransaction transaction)
    {
        var value = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)) & long.MaxValue;
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT OR REPLACE INTO meta (key, value) VALUES ($key, $value)";
        command.Parameters.AddWithValue("$key", Key);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
        return Format(value);
    }

    /// <summary>The lineage a database (or a snapshot of it) carries, or null.</summary>
    public static string? Read(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key = $key";
        command.Parameters.AddWithValue("$key", Key);
        return command.ExecuteScalar() is long value ? Format(value) : null;
    }

    /// <summary>A restored file belongs to no lineage until a writer opens it.</summary>
    public static void Clear(SqliteConnection connection) =>
        Sql.Execute(connection, $"DELETE FROM meta WHERE key = '{Key}';");

    private static string Format(long value) => value.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
