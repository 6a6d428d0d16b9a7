using System.Globalization;
using ActorBlog.Posts;

namespace ActorBlog.Search;

/// <summary>One search result: the post and a snippet of its text with the matches between <see cref="PostSearch.MarkStart"/> and <see cref="PostSearch.MarkEnd"/>.</summary>
public sealed record SearchHit(Post Post, string Snippet);

/// <summary>A page of results, best match first; <see cref="Total"/> counts every match.</summary>
public sealed record SearchResults(IReadOnlyList<SearchHit> Hits, int Page, bool HasMore, long Total);

/// <summary>
/// Full-text search over published posts (FTS5, ranked by bm25 with the title weighing ten times
/// the body), on the readers' pooled read-only connections. Any input is a valid search.
/// </summary>
public sealed class PostSearch(BlogDatabase database, PostReader posts)
{
    /// <summary>Private-use characters: they cannot occur in a post's text, so they mark matches unambiguously.</summary>
    public const char MarkStart = '\uE000';
    public const char MarkEnd = '\uE001';

    private const int SnippetTokens = 24;

    public SearchResults Search(string? input, int page, int pageSize)
    {
        page = Math.Max(1, page);
        var match = SearchQuery.ToFts(input);
        if (match is null) return new SearchResults([], page, false, 0);

        using var connection = database.OpenReader();
        using var transaction = connection.BeginTransaction(deferred: true);
        long total;
        using (var count = connection.CreateCommand())
        {
            count.Transaction = transaction;
            count.CommandText = """
                SELECT COUNT(*) FROM post_search s JOIN posts p ON p.id = s.rowid
                WHERE post_search MATCH $match AND p.status = 'published'
                """;
            count.Parameters.AddWithValue("$match", match);
            total = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        var ranked = new List<(long Id, string Snippet)>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = $"""
                SELECT s.rowid, snippet(post_search, -1, $start, $end, '…', {SnippetTokens})
                FROM post_search s JOIN posts p ON p.id = s.rowid
                WHERE post_search MATCH $match AND p.status = 'published'
                ORDER BY bm25(post_search, 10.0, 1.0), s.rowid DESC
                LIMIT $limit OFFSET $offset
                """;
            command.Parameters.AddWithValue("$match", match);
            command.Parameters.AddWithValue("$start", MarkStart.ToString());
            command.Parameters.AddWithValue("$end", MarkEnd.ToString());
            command.Parameters.AddWithValue("$limit", pageSize + 1);
            command.Parameters.AddWithValue("$offset", (long)(page - 1) * pageSize);
            using var reader = command.ExecuteReader();
            while (reader.Read()) ranked.Add((reader.GetInt64(0), reader.GetString(1)));
        }
        transaction.Commit();

        var found = posts.PublishedByIds(ranked.Take(pageSize).Select(r => r.Id));
        var hits = ranked.Take(pageSize)
            .Where(r => found.ContainsKey(r.Id))
            .Select(r => new SearchHit(found[r.Id], r.Snippet))
            .ToList();
        return new SearchResults(hits, page, ranked.Count > pageSize, total);
    }
}
