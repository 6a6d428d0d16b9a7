using ActorBlog.Media;
using ActorBlog.Search;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Posts;

/// <summary>
/// Applies a batch of commands in one transaction on the single write connection: the group
/// commit behind <see cref="PostStore"/>. Conflicts are found by reading inside the transaction
/// before anything is written; a batch with no accepted write rolls back, leaving the file as it was.
/// Not thread-safe: the actor runs one batch at a time.
/// </summary>
/// <param name="hook">Told about each commit (replication), or null.</param>
public sealed class PostWriter(SqliteConnection connection, MarkdownRenderer renderer, TimeProvider clock, ICommitHook? hook = null) : IDisposable
{
    private readonly MediaWriter _media = new(connection);
    private readonly PreparedCommands _sql = new(connection);

    /// <summary>Transactions committed by this writer, for tests and benchmarks of group commit.</summary>
    public long Commits { get; private set; }

    /// <summary>The database revision after this writer's last commit (0 before its first).</summary>
    public long Revision { get; private set; }

    public IReadOnlyList<WriteResult> Apply(IReadOnlyList<PostCommand> batch)
    {
        var now = clock.GetUtcNow();
        using var transaction = connection.BeginTransaction(deferred: false);
        var results = new List<WriteResult>(batch.Count);
        var writes = 0;
        foreach (var command in batch)
        {
            var result = command switch
            {
                CreatePost c => Create(c, now, transaction),
                UpdatePost u => Update(u, now, transaction),
                DeletePost d => Delete(d, transaction),
                StoreMedia m => _media.Store(m, now, transaction),
                DeleteMedia m => _media.Delete(m, transaction),
                _ => throw new ArgumentException($"unknown command {command.GetType().Name}"),
            };
            if (result is PostSaved or PostDeleted or MediaStored or MediaDeleted) writes++;
            results.Add(result);
        }
        if (writes == 0)
        {
            transaction.Rollback();
            return results;
        }
        var revision = _sql.Long("UPDATE meta SET value = value + $n WHERE key = 'revision' RETURNING value", transaction, ("$n", writes));
        hook?.Committing(connection, transaction);
        transaction.Commit();
        Revision = revision;
        Commits++;
        hook?.Committed(connection, revision, clock.GetUtcNow());
        return results;
    }

    /// <summary>Ends cleanly: the WAL is folded into the file, then the connection closes.</summary>
    public void Dispose()
    {
        try
        {
            _sql.Dispose();
            BlogDatabase.Checkpoint(connection);
        }
        finally
        {
            connection.Dispose();
        }
    }

    private WriteResult Create(CreatePost c, DateTimeOffset now, SqliteTransaction tx)
    {
        var input = c.Input;
        string slug;
        if (input.Slug is not null)
        {
            if (SlugOwner(input.Slug, tx) is not null) return new SlugTaken(input.Slug);
            slug = input.Slug;
        }
        else
        {
            slug = FreeSlug(Slugs.FromTitle(input.Title!), tx);
        }
        var status = PostValidation.ParseStatus(input.Status) ?? PostStatus.Draft;
        if (DraftWithPublishedAt(input, status) is { } rejected) return rejected;
        var publishedAt = status == PostStatus.Published ? PostValidation.ParsePublishedAt(input.PublishedAt) ?? now : (DateTimeOffset?)null;
        var rendered = Render(input.Markdown!, c.Rendered);
        var post = new Post(0, slug, input.Title!.Trim(), input.Markdown!, rendered.Html,
            PostValidation.NormalizeTags(input.Tags), status, now, now, publishedAt, 1);

        Exec(tx, "DELETE FROM slug_history WHERE slug = $slug", ("$slug", slug));
        var id = _sql.Long("""
            INSERT INTO posts (slug, title, markdown, html, status, created_at, updated_at, published_at, version)
            VALUES ($slug, $title, $markdown, $html, $status, $created, $updated, $published, 1)
            RETURNING id
            """, tx, Params(post));
        post = post with { Id = id };
        WriteTags(post, tx);
        SearchIndex.Write(_sql, tx, post, rendered.Text);
        return new PostSaved(post, Created: true);
    }

    private WriteResult Update(UpdatePost u, DateTimeOffset now, SqliteTransaction tx)
    {
        var current = Load(u.Id, tx);
        if (current is null) return new PostNotFound(u.Id);
        if (current.Version != u.ExpectedVersion) return new VersionMismatch(u.Id, current.Version);

        var input = u.Input;
        var slug = input.Slug ?? current.Slug;
        if (slug != current.Slug)
        {
            var owner = SlugOwner(slug, tx);
            if (owner is not null && owner != current.Id) return new SlugTaken(slug);
        }
        var status = PostValidation.ParseStatus(input.Status) ?? current.Status;
        if (DraftWithPublishedAt(input, status) is { } rejected) return rejected;
        var publishedAt = status == PostStatus.Published
            ? PostValidation.ParsePublishedAt(input.PublishedAt) ?? current.PublishedAt ?? now
            : (DateTimeOffset?)null;
        // A partial update (PATCH) may leave out title and markdown: they keep theirs.
        var markdown = input.Markdown ?? current.Markdown;
        var rendered = markdown == current.Markdown ? null : Render(markdown, u.Rendered);
        var post = current with
        {
            Slug = slug,
            Title = input.Title?.Trim() ?? current.Title,
            Markdown = markdown,
            Html = rendered?.Html ?? current.Html,
            Tags = input.Tags is null ? current.Tags : PostValidation.NormalizeTags(input.Tags),
            Status = status,
            UpdatedAt = now,
            PublishedAt = publishedAt,
            Version = current.Version + 1,
        };

        if (slug != current.Slug)
        {
            Exec(tx, "DELETE FROM slug_history WHERE slug = $slug", ("$slug", slug));
            Exec(tx, "INSERT OR REPLACE INTO slug_history (slug, post_id) VALUES ($old, $id)", ("$old", current.Slug), ("$id", current.Id));
        }
        Exec(tx, """
            UPDATE posts SET slug = $slug, title = $title, markdown = $markdown, html = $html, status = $status,
                updated_at = $updated, published_at = $published, version = $version
            WHERE id = $id
            """, [.. Params(post), ("$version", post.Version), ("$id", post.Id)]);
        Exec(tx, "DELETE FROM post_tags WHERE post_id = $id", ("$id", post.Id));
        WriteTags(post, tx);
        // The index holds title, text and whether the post is published; a new slug or tags leave it as it is.
        if (rendered is not null || post.Title != current.Title || post.Status != current.Status)
            SearchIndex.Write(_sql, tx, post, rendered?.Text ?? PlainText.FromHtml(post.Html));
        return new PostSaved(post, Created: false);
    }

    private RenderedMarkdown Render(string markdown, RenderedMarkdown? rendered) =>
        rendered is not null && rendered.Markdown == markdown ? rendered : renderer.Prepare(markdown);

    /// <summary>Only a published post has a publication time; a draft given one is refused rather than silently dropped.</summary>
    private static PostRejected? DraftWithPublishedAt(PostInput input, PostStatus status) =>
        input.PublishedAt is not null && status != PostStatus.Published
            ? new PostRejected(new Dictionary<string, string[]> { ["publishedAt"] = ["publishedAt is for a published post; send status \"published\" with it"] })
            : null;

    private WriteResult Delete(DeletePost d, SqliteTransaction tx)
    {
        if (Load(d.Id, tx) is null) return new PostNotFound(d.Id);
        Exec(tx, "DELETE FROM posts WHERE id = $id", ("$id", d.Id));
        SearchIndex.Remove(_sql, tx, d.Id);
        return new PostDeleted(d.Id);
    }

    private Post? Load(long id, SqliteTransaction tx)
    {
        return PostRows.Read(_sql.For(LoadById, tx, ("$id", id))).FirstOrDefault();
    }

    private long? SlugOwner(string slug, SqliteTransaction tx)
    {
        var id = _sql.Long("SELECT id FROM posts WHERE slug = $slug", tx, ("$slug", slug));
        return id == 0 ? null : id;
    }

    private string FreeSlug(string slug, SqliteTransaction tx)
    {
        var candidate = slug;
        for (var n = 2; SlugOwner(candidate, tx) is not null; n++) candidate = Slugs.WithSuffix(slug, n);
        return candidate;
    }

    private void WriteTags(Post post, SqliteTransaction tx)
    {
        for (var i = 0; i < post.Tags.Count; i++)
            Exec(tx, "INSERT INTO post_tags (post_id, tag, position) VALUES ($id, $tag, $pos)",
                ("$id", post.Id), ("$tag", post.Tags[i]), ("$pos", i));
    }

    private static (string, object?)[] Params(Post p) =>
    [
        ("$slug", p.Slug), ("$title", p.Title), ("$markdown", p.Markdown), ("$html", p.Html),
        ("$status", p.Status.ToApiString()), ("$created", PostRows.Time(p.CreatedAt)), ("$updated", PostRows.Time(p.UpdatedAt)),
        ("$published", p.PublishedAt is { } t ? PostRows.Time(t) : null),
    ];

    private void Exec(SqliteTransaction tx, string sql, params (string Name, object? Value)[] parameters) =>
        _sql.Execute(sql, tx, parameters);

    private const string LoadById = $"SELECT {PostRows.Columns} FROM posts WHERE id = $id";
}
