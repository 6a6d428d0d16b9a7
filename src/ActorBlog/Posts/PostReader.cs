using Microsoft.Data.Sqlite;

namespace ActorBlog.Posts;

/// <summary>A page of posts and whether there are more.</summary>
public sealed record PostPage(IReadOnlyList<Post> Posts, int Page, bool HasMore);

/// <summary>
/// Every read the blog makes, through pooled read-only connections: readers never queue behind
/// the writer. Thread-safe; one instance serves the whole host.
/// </summary>
public sealed class PostReader(BlogDatabase database)
{
    public Post? ById(long id) =>
        Query($"SELECT {PostRows.Columns} FROM posts WHERE id = $id", ("$id", id)).FirstOrDefault();

    /// <summary>A published post by its current slug; drafts are invisible to readers.</summary>
    public Post? PublishedBySlug(string slug) =>
        Query($"SELECT {PostRows.Columns} FROM posts WHERE slug = $slug AND status = 'published'", ("$slug", slug)).FirstOrDefault();

    /// <summary>The current slug of a published post that used to be called <paramref name="oldSlug"/>.</summary>
    public string? RenamedTo(string oldSlug)
    {
        using var connection = database.OpenReader();
        return Sql.Scalar(connection, """
            SELECT p.slug FROM slug_history h JOIN posts p ON p.id = h.post_id
            WHERE h.slug = $slug AND p.status = 'published'
            """, null, ("$slug", oldSlug)) as string;
    }

    /// <summary>Published posts, newest first; <paramref name="tag"/> narrows to one tag.</summary>
    public PostPage Published(int page, int pageSize, string? tag = null)
    {
        page = Math.Max(1, page);
        var offset = (long)(page - 1) * pageSize;
        var filter = tag is null ? "" : "AND id IN (SELECT post_id FROM post_tags WHERE tag = $tag)";
        var posts = Query(
            $"""
            SELECT {PostRows.Columns} FROM posts
            WHERE status = 'published' {filter}
            ORDER BY published_at DESC, id DESC LIMIT $limit OFFSET $offset
            """,
            ("$tag", tag), ("$limit", pageSize + 1), ("$offset", offset));
        return new PostPage(posts.Take(pageSize).ToList(), page, posts.Count > pageSize);
    }

    /// <summary>Published posts by id, for search results; ids that are not (or no longer) published are absent.</summary>
    public IReadOnlyDictionary<long, Post> PublishedByIds(IEnumerable<long> ids)
    {
        // The ids are integers, so inlining them is safe.
        var list = string.Join(',', ids.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (list.Length == 0) return new Dictionary<long, Post>();
        return Query($"SELECT {PostRows.Columns} FROM posts WHERE status = 'published' AND id IN ({list})").ToDictionary(p => p.Id);
    }

    /// <summary>The author's view: drafts included. <paramref name="status"/> null means all.</summary>
    public IReadOnlyList<Post> ForAuthor(PostStatus? status) => status is null
        ? Query($"SELECT {PostRows.Columns} FROM posts ORDER BY updated_at DESC, id DESC")
        : Query($"SELECT {PostRows.Columns} FROM posts WHERE status = $status ORDER BY updated_at DESC, id DESC",
            ("$status", status.Value.ToApiString()));

    /// <summary>Every published post's slug and last change, for the sitemap.</summary>
    public IReadOnlyList<(string Slug, DateTimeOffset UpdatedAt)> PublishedSlugs()
    {
        using var connection = database.OpenReader();
        using var command = Sql.Command(connection, "SELECT slug, updated_at FROM posts WHERE status = 'published' ORDER BY published_at DESC, id DESC");
        var result = new List<(string, DateTimeOffset)>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) result.Add((reader.GetString(0), PostRows.ParseTime(reader.GetString(1))));
        return result;
    }

    /// <summary>Every tag a published post carries, with how many do, by tag.</summary>
    public IReadOnlyList<(string Tag, int Count)> PublishedTagCounts()
    {
        using var connection = database.OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT t.tag, COUNT(*) FROM post_tags t JOIN posts p ON p.id = t.post_id
            WHERE p.status = 'published' GROUP BY t.tag ORDER BY t.tag
            """;
        var result = new List<(string, int)>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) result.Add((reader.GetString(0), reader.GetInt32(1)));
        return result;
    }

    /// <summary>The database revision: it rises by one with every committed write.</summary>
    public long Revision()
    {
        using var connection = database.OpenReader();
        return Schema.Revision(connection);
    }

    public long Count()
    {
        using var connection = database.OpenReader();
        return Sql.Long(connection, "SELECT COUNT(*) FROM posts");
    }

    private List<Post> Query(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = database.OpenReader();
        using var transaction = connection.BeginTransaction(deferred: true);
        // Optional filters leave some parameters out of the text; SQLite refuses a binding it has no place for.
        using var command = Sql.Command(connection, sql, transaction, parameters.Where(p => sql.Contains(p.Name, StringComparison.Ordinal)).ToArray());
        return PostRows.Read(command);
    }
}
