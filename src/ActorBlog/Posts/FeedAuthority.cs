namespace ActorBlog.Posts;

/// <summary>
/// The authority in every feed entry's id (<c>tag:AUTHORITY,DATE:post-ID</c>, RFC 4151): the
/// host name of <c>blog.base-url</c> at the blog's first start, stored in the database's
/// <c>meta</c> table (key <c>feed-authority</c>, a text value; SQLite columns are flexibly typed)
/// and kept there for good. So ids survive a move to a new domain (feed readers would otherwise
/// show every post again as new) and travel with every backup and restore. A blog that ran
/// before this existed stores the host it has now, which is the one its ids were built from.
/// </summary>
public static class FeedAuthority
{
    private const string Key = "feed-authority";

    /// <summary>The stored authority; stores <paramref name="host"/> first if there is none. Run before the writer starts.</summary>
    public static string Ensure(BlogDatabase database, string host)
    {
        using var connection = database.OpenWriter();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO meta (key, value) VALUES ($key, $host) ON CONFLICT (key) DO NOTHING;
            SELECT value FROM meta WHERE key = $key;
            """;
        command.Parameters.AddWithValue("$key", Key);
        command.Parameters.AddWithValue("$host", host.ToLowerInvariant());
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
    }
}
