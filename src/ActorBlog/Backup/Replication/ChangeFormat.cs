using System.Buffers.Binary;

namespace ActorBlog.Backup.Replication;

/// <summary>
/// The plaintext of a change object (before zstd and, with a key, ABE1), big-endian throughout:
/// <code>
/// "ABC1" | lineage (16 ASCII hex) | page size (4) | transactions (4)
/// per transaction: previous revision (8) | revision (8) | committed at, Unix ms (8)
///                  | database pages after it (4) | pages (4) | pages × (page number (4) | page bytes)
/// </code>
/// Described for readers without ActorBlog in docs/backup-format.md.
/// </summary>
public static class ChangeFormat
{
    private static ReadOnlySpan<byte> Magic => "ABC1"u8;

    /// <summary>
    /// Written straight into one array of the exact size: a second of writes at full speed is tens
    /// of MB, and a growing MemoryStream copied it about three times over (each doubling, then
    /// ToArray), all of it on the large-object heap.
    /// </summary>
    public static byte[] Write(IReadOnlyList<CapturedTransaction> batch)
    {
        if (batch.Count == 0) throw new ArgumentException("a change object holds at least one transaction", nameof(batch));
        var first = batch[0];
        long size = Magic.Length + System.Text.Encoding.ASCII.GetByteCount(first.Lineage) + 4 + 4;
        foreach (var tx in batch)
        {
            if (tx.Lineage != first.Lineage || tx.PageSize != first.PageSize)
                throw new ArgumentException("one change object holds one lineage and one page size", nameof(batch));
            size += 8 + 8 + 8 + 4 + 4;
            foreach (var page in tx.Pages) size += 4 + page.Data.Length;
        }
        var output = new byte[checked((int)size)];
        var at = 0;
        Magic.CopyTo(output);
        at += Magic.Length;
        at += System.Text.Encoding.ASCII.GetBytes(first.Lineage, output.AsSpan(at));
        at = WriteInt(output, at, first.PageSize);
        at = WriteInt(output, at, batch.Count);
        foreach (var tx in batch)
        {
            at = WriteLong(output, at, tx.PreviousRevision);
            at = WriteLong(output, at, tx.Revision);
            at = WriteLong(output, at, tx.CommittedAt.ToUnixTimeMilliseconds());
            at = WriteInt(output, at, (int)tx.DatabasePages);
            at = WriteInt(output, at, tx.Pages.Count);
            foreach (var page in tx.Pages)
            {
                at = WriteInt(output, at, (int)page.PageNumber);
                page.Data.CopyTo(output.AsSpan(at));
                at += page.Data.Length;
            }
        }
        return output;
    }

    /// <summary>Throws <see cref="InvalidDataException"/> on anything that is not a whole change object.</summary>
    public static IReadOnlyList<CapturedTransaction> Read(ReadOnlySpan<byte> data)
    {
        var at = 0;
        ReadOnlySpan<byte> Take(ReadOnlySpan<byte> d, int n)
        {
            if (at + n > d.Length) throw new InvalidDataException("the change object ends early");
            var s = d.Slice(at, n);
            at += n;
            return s;
        }

        if (!Take(data, 4).SequenceEqual(Magic)) throw new InvalidDataException("not a change object (no ABC1 magic)");
        var lineage = System.Text.Encoding.ASCII.GetString(Take(data, Lineage.Length));
        if (!Lineage.IsValid(lineage)) throw new InvalidDataException("the change object names no valid lineage");
        var pageSize = BinaryPrimitives.ReadInt32BigEndian(Take(data, 4));
        if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) != 0) throw new InvalidDataException($"page size {pageSize} is not valid");
        var count = BinaryPrimitives.ReadInt32BigEndian(Take(data, 4));
        if (count <= 0) throw new InvalidDataException("the change object holds no transaction");
        var batch = new List<CapturedTransaction>(Math.Min(count, 4096));
        for (var t = 0; t < count; t++)
        {
            var previous = BinaryPrimitives.ReadInt64BigEndian(Take(data, 8));
            var revision = BinaryPrimitives.ReadInt64BigEndian(Take(data, 8));
            var committedAt = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(Take(data, 8)));
            var databasePages = BinaryPrimitives.ReadUInt32BigEndian(Take(data, 4));
            var pageCount = BinaryPrimitives.ReadInt32BigEndian(Take(data, 4));
            if (pageCount < 0 || databasePages == 0) throw new InvalidDataException("a transaction of the change object is malformed");
            var pages = new List<WalPage>(Math.Min(pageCount, 4096));
            for (var p = 0; p < pageCount; p++)
            {
                var number = BinaryPrimitives.ReadUInt32BigEndian(Take(data, 4));
                if (number == 0) throw new InvalidDataException("page number 0 in a change object");
                pages.Add(new WalPage(number, Take(data, pageSize).ToArray()));
            }
            batch.Add(new CapturedTransaction(lineage, previous, revision, committedAt, pageSize, databasePages, pages));
        }
        if (at != data.Length) throw new InvalidDataException("bytes follow the last transaction of the change object");
        return batch;
    }

    private static int WriteLong(byte[] output, int at, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(output.AsSpan(at), value);
        return at + 8;
    }

    private static int WriteInt(byte[] output, int at, int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(output.AsSpan(at), value);
        return at + 4;
    }
}
