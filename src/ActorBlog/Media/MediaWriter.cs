using ActorBlog.Posts;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Media;

/// <summary>
/// The media half of the writer's transaction: <see cref="PostWriter"/> hands it the media
/// commands of a batch. The image goes in as a zeroblob and is then streamed into place with
/// incremental BLOB I/O, 80 KiB at a time, straight from the staged file.
/// </summary>
internal sealed class MediaWriter(SqliteConnection connection)
{
    private const int CopyBuffer = 81920;

    public WriteResult Store(StoreMedia command, DateTimeOffset now, SqliteTransaction tx)
    {
        var staged = command.Staged;
        var id = Sql.Long(connection, """
            INSERT INTO media (file_name, content_type, bytes, sha256, width, height, created_at, data)
            VALUES ($name, $type, $bytes, $sha, $w, $h, $created, zeroblob($bytes))
            RETURNING id
            """, tx, ("$name", staged.FileName), ("$type", staged.Kind.ContentType), ("$bytes", staged.Bytes),
            ("$sha", staged.Sha256), ("$w", staged.Width), ("$h", staged.Height), ("$created", PostRows.Time(now)));
        using (var blob = new SqliteBlob(connection, "media", "data", id))
        using (var file = File.OpenRead(staged.Path))
        {
            if (file.Length != staged.Bytes) throw new IOException($"the staged upload {staged.Path} changed size");
            file.CopyTo(blob, CopyBuffer);
        }
        foreach (var v in staged.Variants)
        {
            Sql.Long(connection, """
                INSERT INTO media_variants (media_id, width, height, content_type, bytes, sha256, data)
                VALUES ($id, $w, $h, $type, $bytes, $sha, $data)
                """, tx, ("$id", id), ("$w", v.Width), ("$h", v.Height), ("$type", v.ContentType),
                ("$bytes", v.Data.LongLength), ("$sha", v.Sha256), ("$data", v.Data));
        }
        return new MediaStored(new MediaItem(id, staged.FileName, staged.Kind.ContentType, staged.Bytes, staged.Sha256,
            staged.Width, staged.Height, now));
    }

    public WriteResult Delete(DeleteMedia command, SqliteTransaction tx)
    {
        // The variants go with it (ON DELETE CASCADE; the writer runs with foreign_keys = ON).
        var deleted = Sql.Long(connection, "DELETE FROM media WHERE id = $id RETURNING id", tx, ("$id", command.Id));
        return deleted == 0 ? new MediaNotFound(command.Id) : new MediaDeleted(command.Id);
    }
}
