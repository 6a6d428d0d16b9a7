using ActorBlog.Posts;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Media;

/// <summary>Bytes to serve: their type, length and hash, and a stream that reads them from the BLOB in chunks.</summary>
public sealed record MediaContent(string ContentType, long Length, string Sha256, string FileName, Stream Body) : IDisposable
{
    public void Dispose() => Body.Dispose();
}

/// <summary>
/// Reads images through the pooled read-only connections. <see cref="Open"/> never loads an image
/// whole: it hands back an incremental BLOB stream, read inside one WAL snapshot, so a delete
/// committed meanwhile cannot tear the bytes out from under a reader. Thread-safe.
/// </summary>
public sealed class MediaReader(BlogDatabase database)
{
    private const string Columns = "id, file_name, content_type, bytes, sha256, width, height, created_at";

    public IReadOnlyList<MediaItem> List()
    {
        using var connection = database.OpenReader();
        using var command = Sql.Command(connection, $"SELECT {Columns} FROM media ORDER BY id DESC");
        return Read(command);
    }

    public MediaItem? ById(long id)
    {
        using var connection = database.OpenReader();
        using var command = Sql.Command(connection, $"SELECT {Columns} FROM media WHERE id = $id", null, ("$id", id));
        return Read(command).FirstOrDefault();
    }

    /// <summary>
    /// The original, or with <paramref name="width"/> the page-sized copy of that width (the
    /// original when no copy of that width was made: the image is no wider, or a GIF). Null when no such image.
    /// Dispose the result: it holds a read connection until then.
    /// </summary>
    public MediaContent? Open(long id, int? width = null)
    {
        var connection = database.OpenReader();
        SqliteTransaction? transaction = null;
        try
        {
            transaction = connection.BeginTransaction(deferred: true);
            using var command = Sql.Command(connection, "SELECT file_name, content_type, bytes, sha256, width FROM media WHERE id = $id", transaction, ("$id", id));
            string fileName, contentType, sha;
            long bytes;
            int originalWidth;
            using (var reader = command.ExecuteReader())
            {
                if (!reader.Read()) return Abandon(transaction, connection);
                (fileName, contentType, bytes, sha, originalWidth) =
                    (reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetInt32(4));
            }
            var (table, rowId) = ("media", id);
            if (width is { } w && w < originalWidth)
            {
                command.CommandText = "SELECT rowid, content_type, bytes, sha256 FROM media_variants WHERE media_id = $id AND width = $w";
                command.Parameters.AddWithValue("$w", w);
                using var reader = command.ExecuteReader();
                // No copy was made for a GIF (it would lose its animation): the original stands in.
                if (reader.Read())
                    (table, rowId, contentType, bytes, sha) =
                        ("media_variants", reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3));
            }
            var blob = new SqliteBlob(connection, table, "data", rowId, readOnly: true);
            return new MediaContent(contentType, bytes, sha, fileName, new OwningStream(blob, transaction, connection));
        }
        catch
        {
            Abandon(transaction, connection);
            throw;
        }
    }

    private static MediaContent? Abandon(SqliteTransaction? transaction, SqliteConnection connection)
    {
        transaction?.Dispose();
        connection.Dispose();
        return null;
    }

    private static List<MediaItem> Read(SqliteCommand command)
    {
        var items = new List<MediaItem>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            items.Add(new MediaItem(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3),
                reader.GetString(4), reader.GetInt32(5), reader.GetInt32(6), PostRows.ParseTime(reader.GetString(7))));
        }
        return items;
    }

    /// <summary>A read-only stream over the BLOB that closes the snapshot and returns the connection when disposed.</summary>
    private sealed class OwningStream(SqliteBlob blob, SqliteTransaction transaction, SqliteConnection connection) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => blob.CanSeek;
        public override bool CanWrite => false;
        public override long Length => blob.Length;
        public override long Position { get => blob.Position; set => blob.Position = value; }
        public override int Read(byte[] buffer, int offset, int count) => blob.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => blob.Read(buffer);
        public override long Seek(long offset, SeekOrigin origin) => blob.Seek(offset, origin);
        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                blob.Dispose();
                transaction.Dispose();
                connection.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
