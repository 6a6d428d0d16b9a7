using Microsoft.Data.Sqlite;

namespace ActorBlog.Posts;

/// <summary>
/// Schema migrations, numbered by <c>PRAGMA user_version</c>. Append a step; never edit one
/// that has shipped, since databases in the field (and in backups) already ran it.
/// </summary>
public static class Schema
{
    private static readonly string[] Steps =
    [
        """
        CREATE TABLE posts (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            slug         TEXT    NOT NULL UNIQUE,
            title        TEXT    NOT NULL,
            markdown     TEXT    NOT NULL,
            html         TEXT    NOT NULL,
            status       TEXT    NOT NULL CHECK (status IN ('draft', 'published')),
            created_at   TEXT    NOT NULL,
            updated_at   TEXT    NOT NULL,
            published_at TEXT,
            version      INTEGER NOT NULL
        );
        CREATE INDEX posts_by_publication ON posts (status, published_at DESC, id DESC);
        CREATE TABLE post_tags (
            post_id  INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
            tag      TEXT    NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (post_id, tag)
        );
        CREATE INDEX post_tags_by_tag ON post_tags (tag, post_id);
        -- Old slugs answer 301 to the post's current one.
        CREATE TABLE slug_history (
            slug    TEXT    PRIMARY KEY,
            post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE
        );
        -- revision: bumped by every committed write, so a backup can tell whether anything changed.
        CREATE TABLE meta (
            key   TEXT    PRIMARY KEY,
            value INTEGER NOT NULL
        );
        INSERT INTO meta (key, value) VALUES ('revision', 0);
        """,
        // 2: media. Images live inside blog.db, so one backup, one change stream and one restore carry the whole blog.
        // Metadata first, data last: SqliteBlob streams the BLOB, and listing never reads it.
        """
        CREATE TABLE media (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            file_name    TEXT    NOT NULL,
            content_type TEXT    NOT NULL,
            bytes        INTEGER NOT NULL,
            sha256       TEXT    NOT NULL,
            width        INTEGER NOT NULL,
            height       INTEGER NOT NULL,
            created_at   TEXT    NOT NULL,
            data         BLOB    NOT NULL
        );
        -- Page-sized copies, made once at upload (MediaUrls.VariantWidths).
        CREATE TABLE media_variants (
            media_id     INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
            width        INTEGER NOT NULL,
            height       INTEGER NOT NULL,
            content_type TEXT    NOT NULL,
            bytes        INTEGER NOT NULL,
            sha256       TEXT    NOT NULL,
            data         BLOB    NOT NULL,
            PRIMARY KEY (media_id, width)
        );
        """,
        // 3: search. One row per published post (rowid = posts.id), written by PostWriter in the
        // same transaction as the post, so it is in every backup and never ahead of or behind it.
        // Filled for existing posts by SearchIndex.RebuildIfIncomplete, which needs C# to turn HTML into text.
        """
        CREATE VIRTUAL TABLE post_search USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
        """,
    ];

    public static void Migrate(SqliteConnection connection)
    {
        var version = UserVersion(connection);
        if (version > Steps.Length)
            throw new InvalidOperationException(
                $"{connection.DataSource} has schema version {version}, newer than this program's {Steps.Length}");
        for (var step = version; step < Steps.Length; step++)
        {
            using var transaction = connection.BeginTransaction();
            Sql.Execute(connection, Steps[step], transaction);
            Sql.Execute(connection, $"PRAGMA user_version = {step + 1};", transaction);
            transaction.Commit();
        }
    }

    public static int UserVersion(SqliteConnection connection) => (int)Sql.Long(connection, "PRAGMA user_version;");

    /// <summary>The database revision (the <c>meta</c> row every committed write raises): the one place it is read.</summary>
    public static long Revision(SqliteConnection connection, SqliteTransaction? transaction = null) =>
        Sql.Long(connection, "SELECT value FROM meta WHERE key = 'revision'", transaction);
}
