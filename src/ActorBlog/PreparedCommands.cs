using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ActorBlog;

/// <summary>
/// Commands kept prepared on one connection, by their SQL text, for the single writer, which runs
/// the same handful of statements for every post. SQLite parses and plans a statement each time
/// one is prepared, which costs more than running it on one row; a kept command is only reset and
/// bound again. Values are always bound, never spliced (as <see cref="Sql"/>). Not thread-safe,
/// like the connection it belongs to; disposed before it.
/// </summary>
internal sealed class PreparedCommands(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>The command for <paramref name="sql"/>, joined to the transaction and bound; not for the caller to dispose.</summary>
    public SqliteCommand For(string sql, SqliteTransaction? transaction, params (string Name, object? Value)[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, _) in parameters) command.Parameters.Add(new SqliteParameter { ParameterName = name });
            _commands[sql] = command;
        }
        command.Transaction = transaction;
        foreach (var (name, value) in parameters) command.Parameters[name].Value = value ?? DBNull.Value;
        return command;
    }

    public void Execute(string sql, SqliteTransaction? transaction, params (string Name, object? Value)[] parameters) =>
        For(sql, transaction, parameters).ExecuteNonQuery();

    /// <summary>The first column of the first row as a number; 0 when there is none (or it is NULL).</summary>
    public long Long(string sql, SqliteTransaction? transaction, params (string Name, object? Value)[] parameters) =>
        For(sql, transaction, parameters).ExecuteScalar() is { } value and not DBNull ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : 0;

    public void Dispose()
    {
        foreach (var command in _commands.Values) command.Dispose();
        _commands.Clear();
    }
}
