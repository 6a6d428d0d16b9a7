using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Posts;

/// <summary>How a post maps to and from rows; shared by the writer and the readers.</summary>
internal static class PostRows
{
    public const string Columns = "id, slug, title, markdown, html, status, created_at, updated_at, published_at, version";

    /// <summary>Fixed-width UTC, so text order is time order in SQL.</summary>
    public static string Time(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string s) =>
        DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static List<Post> Read(SqliteCommand command)
    {
        var posts = new List<(long Id, Func<IReadOnlyList<string>, Post> Make)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                var id = reader.GetInt64(0);
                var slug = reader.GetString(1);
                var title = reader.GetString(2);
                var markdown = reader.GetString(3);
                var html = reader.GetString(4);
                var status = reader.GetString(5) == "published" ? PostStatus.Published : PostStatus.Draft;
                var created = ParseTime(reader.GetString(6));
                var updated = ParseTime(reader.GetString(7));
                DateTimeOffset? published = reader.IsDBNull(8) ? null : ParseTime(reader.GetString(8));
                var version = reader.GetInt32(9);
                posts.Add((id, tags => new Post(id, slug, title, markdown, html, tags, status, created, updated, published, version)));
            }
        }
        if (posts.Count == 0) return [];
        var tags = TagsOf(command.Connection!, command.Transaction, posts.Select(p => p.Id));
        return posts.Select(p => p.Make(tags.TryGetValue(p.Id, out var t) ? t : [])).ToList();
    }

    private static Dictionary<long, List<string>> TagsOf(SqliteConnection connection, SqliteTransaction? transaction, IEnumerable<long> ids)
    {
        // The ids are integers read from the database itself, so inlining them is safe.
        using var command = Sql.Command(connection,
            $"SELECT post_id, tag FROM post_tags WHERE post_id IN ({string.Join(',', ids)}) ORDER BY post_id, position", transaction);
        var result = new Dictionary<long, List<string>>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var id = reader.GetInt64(0);
            if (!result.TryGetValue(id, out var list)) result[id] = list = [];
            list.Add(reader.GetString(1));
        }
        return result;
    }
}
