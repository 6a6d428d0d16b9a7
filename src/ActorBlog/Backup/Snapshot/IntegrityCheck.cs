using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Backup.Snapshot;

/// <summary>
/// <c>PRAGMA integrity_check</c> on two threads. SQLite runs it as two kinds of work, one after the
/// other on one thread: the b-tree check of every table and index (pages, freelist, rows against
/// their indexes, constraints), then each virtual table's check of itself. For the FTS5 search
/// index the second re-tokenizes every post and compares the result with the index: at 1 GB about
/// 4.1 of the check's 5.3 CPU-s. Here the b-tree check runs on a connection that has no virtual-table
/// modules, so SQLite passes the virtual tables over, while a second connection runs
/// <c>PRAGMA integrity_check(table)</c> for each virtual table, which is that table's own check
/// alone. The same checks, the same answers; the time of the longer of the two.
/// </summary>
internal static class IntegrityCheck
{
    /// <returns>"ok", or the first problem SQLite reports.</returns>
    public static string Run(string path)
    {
        var virtualTables = Task.Run(() => CheckVirtualTables(path));
        string tables;
        try
        {
            tables = CheckTables(path);
        }
        finally
        {
            // Never leave the other check reading a file the caller may remove on the way out.
            ((Task)virtualTables).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
        }
        // Damage the b-tree check reports can also make a virtual table's check fail outright: report the first.
        return tables != "ok" ? tables : virtualTables.GetAwaiter().GetResult();
    }

    /// <summary>
    /// <c>PRAGMA quick_check</c> of the pages alone: every table's and index's b-tree, the freelist,
    /// without the virtual tables' own checks, which SQLite (since 3.44) runs in a quick_check too and
    /// which for FTS5 are the full re-tokenizing check (about 3 CPU-s at 1 GB). What a backup checks
    /// in its staged copy: the copy's pages, which the online backup API copied one by one; whether the
    /// search index agrees with the posts is a property of the live database the copy was taken
    /// from, and every restore and drill checks it (<see cref="Run"/>).
    /// </summary>
    public static string QuickCheckPages(SqliteConnection connection)
    {
        DropModules(connection);
        return Check(connection, "PRAGMA quick_check;");
    }

    private static string CheckTables(string path)
    {
        using var connection = SqliteSnapshot.Open(path, SqliteOpenMode.ReadOnly);
        DropModules(connection);
        return Check(connection, "PRAGMA integrity_check;");
    }

    // Without its module SQLite cannot open a virtual table, and integrity_check passes over what it cannot open.
    private static void DropModules(SqliteConnection connection)
    {
        var rc = Native.sqlite3_drop_modules(connection.Handle!.DangerousGetHandle(), IntPtr.Zero);
        if (rc != 0) throw new SqliteException($"sqlite3_drop_modules failed ({rc})", rc);
    }

    private static string CheckVirtualTables(string path)
    {
        using var connection = SqliteSnapshot.Open(path, SqliteOpenMode.ReadOnly);
        var names = new List<string>();
        using (var list = Sql.Command(connection, "SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name;"))
        using (var reader = list.ExecuteReader())
        {
            while (reader.Read()) names.Add(reader.GetString(0));
        }
        foreach (var name in names)
        {
            var result = Check(connection, $"PRAGMA integrity_check(\"{name.Replace("\"", "\"\"")}\");");
            if (result != "ok") return result;
        }
        return "ok";
    }

    private static string Check(SqliteConnection connection, string pragma) =>
        Sql.Scalar(connection, pragma) as string ?? "no answer from integrity_check";

    private static class Native
    {
        // The SQLite that Microsoft.Data.Sqlite loads (SQLitePCLRaw's bundle_e_sqlite3), so the handle is its own.
        [DllImport("e_sqlite3", CallingConvention = CallingConvention.Cdecl)]
        public static extern int sqlite3_drop_modules(IntPtr db, IntPtr keep);
    }
}
