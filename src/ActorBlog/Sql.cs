using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ActorBlog;

/// <summary>
/// Running one SQL statement on an open connection: the house's one copy of "create a command,
/// join the transaction, bind the parameters, run it". Values are always bound, never spliced.
/// Shared by the posts, the backup steps and the journal check.
/// </summary>
internal static class Sql
{
    /// <summary>A ready command; the caller disposes it (for readers that walk rows).</summary>
    public static SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction = null,
        params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null,
        params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, transaction, parameters);
        command.ExecuteNonQuery();
    }

    /// <summary>The first column of the first row, or null when there is none (or it is NULL).</summary>
    public static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null,
        params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, transaction, parameters);
        return command.ExecuteScalar() is { } value and not DBNull ? value : null;
    }

    /// <summary>The first column of the first row as a number; 0 when there is none.</summary>
    public static long Long(SqliteConnection connection, string sql, SqliteTransaction? transaction = null,
        params (string Name, object? Value)[] parameters) =>
        Scalar(connection, sql, transaction, parameters) is { } value ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : 0;
}
