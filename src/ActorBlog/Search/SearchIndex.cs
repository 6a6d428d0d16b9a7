using ActorBlog.Posts;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Search;

/// <summary>
/// The FTS5 table <c>post_search</c> (schema step 3): the title and the plain text of every
/// published post, and of nothing else, so a draft can never match. Written only by the single
/// writer, inside the transaction that writes the post.
/// </summary>
public static class SearchIndex
{
    /// <summary>Puts the post in the index if it is published, takes it out otherwise.</summary>
    internal static void Write(PreparedCommands sql, SqliteTransaction transaction, Post post, string text)
    {
        Remove(sql, transaction, post.Id);
        if (post.Status != PostStatus.Published) return;
        sql.Execute("INSERT INTO post_search (rowid, title, body) VALUES ($id, $title, $body)", transaction,
            ("$id", post.Id), ("$title", post.Title), ("$body", text));
    }

    internal static void Remove(PreparedCommands sql, SqliteTransaction transaction, long postId) =>
        sql.Execute("DELETE FROM post_search WHERE rowid = $id", transaction, ("$id", postId));

    /// <summary>
    /// Rebuilds the index when it does not hold exactly the published posts: right after the
    /// migration that created it, or on a database restored from before it. Run before the writer
    /// starts (it is the writer then). Returns how many posts it indexed; 0 when nothing was amiss.
    /// </summary>
    public static int RebuildIfIncomplete(SqliteConnection connection)
    {
        var published = Sql.Long(connection, "SELECT COUNT(*) FROM posts WHERE status = 'published'");
        var indexed = Sql.Long(connection, "SELECT COUNT(*) FROM post_search");
        var matching = Sql.Long(connection,
            "SELECT COUNT(*) FROM post_search s JOIN posts p ON p.id = s.rowid WHERE p.status = 'published'");
        if (published == indexed && indexed == matching) return 0;

        using var transaction = connection.BeginTransaction();
        Sql.Execute(connection, "DELETE FROM post_search;", transaction);
        var rows = new List<(long Id, string Title, string Html)>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "SELECT id, title, html FROM posts WHERE status = 'published'";
            using var reader = command.ExecuteReader();
            while (reader.Read()) rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
        }
        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO post_search (rowid, title, body) VALUES ($id, $title, $body)";
            var id = insert.Parameters.Add("$id", SqliteType.Integer);
            var title = insert.Parameters.Add("$title", SqliteType.Text);
            var body = insert.Parameters.Add("$body", SqliteType.Text);
            foreach (var row in rows)
            {
                (id.Value, title.Value, body.Value) = (row.Id, row.Title, PlainText.FromHtml(row.Html));
                insert.ExecuteNonQuery();
            }
        }
        transaction.Commit();
        return rows.Count;
    }
}
