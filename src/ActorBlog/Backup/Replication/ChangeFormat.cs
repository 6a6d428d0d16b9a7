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

    public static byte[] Write(IReadOnlyList<CapturedTransaction> batch)
    {
        if (batch.Count == 0) throw new ArgumentException("a change object holds at least one transaction", nameof(batch));
        var first = batch[0];
        var output = new MemoryStream();
        Span<byte> word = stackalloc byte[8];
        output.Write(Magic);
        output.Write(System.Text.Encoding.ASCII.GetBytes(first.Lineage));
        WriteInt(output, word, first.PageSize);
        WriteInt(output, word, batch.Count);
        foreach (var tx in batch)
        {
            if (tx.Lineage != first.Lineage || tx.PageSize != first.PageSize)
                throw new ArgumentException("one change object holds one lineage and one page size", nameof(batch));
            WriteLong(output, word, tx.PreviousRevision);
            WriteLong(output, word, tx.Revision);
            WriteLong(output, word, tx.CommittedAt.ToUnixTimeMilliseconds());
            WriteInt(output, word, (int)tx.DatabasePages);
            WriteInt(output, word, tx.Pages.Count);
            foreach (var page in tx.Pages)
            {
                WriteInt(output, word, (int)page.PageNumber);
                output.Write(page.Data);
            }
        }
        return output.ToArray();
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

    private static void WriteLong(Stream s, Span<byte> word, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(word, value);
        s.Write(word[..8]);
    }

    private static void WriteInt(Stream s, Span<byte> word, int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(word, value);
        s.Write(word[..4]);
    }
}
