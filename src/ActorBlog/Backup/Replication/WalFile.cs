using System.Buffers.Binary;

namespace ActorBlog.Backup.Replication;

/// <summary>One page image from the WAL: page <see cref="PageNumber"/> (from 1) as a commit left it.</summary>
public sealed record WalPage(uint PageNumber, byte[] Data);

/// <summary>
/// Where the next unread frame of a WAL is, and the running checksum that frame must continue.
/// The salts name one generation of the WAL: SQLite writes new ones when it restarts the log
/// from its first frame after a complete checkpoint, so a cursor of another generation is stale.
/// </summary>
public sealed record WalCursor(uint Salt1, uint Salt2, long NextFrame, uint Checksum1, uint Checksum2, int PageSize, bool BigEndianChecksums);

/// <summary>The frames of the complete transactions found after a cursor, and the cursor after them.</summary>
/// <param name="DatabasePages">The database size in pages after the last of them (0 when none).</param>
/// <param name="Restarted">The WAL was restarted since the cursor: reading began at its first frame.</param>
public sealed record WalRead(IReadOnlyList<WalPage> Pages, uint DatabasePages, int Commits, WalCursor? Cursor, bool Restarted);

/// <summary>
/// Reads SQLite's write-ahead log exactly as SQLite's own recovery does (https://sqlite.org/fileformat.html#the_write_ahead_log):
/// a 32-byte header (magic, version, page size, checkpoint sequence, two salts, a checksum), then
/// frames of a 24-byte header (page number, database size after commit or 0, the salts, a
/// cumulative checksum) and one page. A frame counts only when its salts match the header and its
/// checksum continues the chain; a transaction counts only up to its commit frame. So frames of a
/// transaction still being written, of one rolled back, or of an older generation are never read.
/// Pure over a stream; tested on its own.
/// </summary>
public static class WalFile
{
    public const int HeaderBytes = 32;
    public const int FrameHeaderBytes = 24;
    private const uint MagicLittleEndian = 0x377f0682;
    private const uint MagicBigEndian = 0x377f0683;

    /// <summary>The complete transactions after <paramref name="cursor"/> (all of them when null or stale); without
    /// <paramref name="keepPages"/> only the cursor after them.</summary>
    public static WalRead ReadCommitted(Stream wal, WalCursor? cursor, bool keepPages = true)
    {
        var header = new byte[HeaderBytes];
        wal.Position = 0;
        if (wal.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) < HeaderBytes || !TryHeader(header, out var start))
            return new WalRead([], 0, 0, cursor, Restarted: cursor is not null);

        var restarted = cursor is null || cursor.Salt1 != start.Salt1 || cursor.Salt2 != start.Salt2 || cursor.PageSize != start.PageSize;
        var at = restarted ? start : cursor!;
        var pageSize = at.PageSize;
        var frame = new byte[FrameHeaderBytes + pageSize];
        var pages = new List<WalPage>();
        var uncommitted = new List<WalPage>();
        uint databasePages = 0;
        var commits = 0;
        var (s1, s2) = (at.Checksum1, at.Checksum2);
        var index = at.NextFrame;
        wal.Position = HeaderBytes + index * frame.Length;
        while (wal.ReadAtLeast(frame, frame.Length, throwOnEndOfStream: false) == frame.Length)
        {
            var span = frame.AsSpan();
            if (BinaryPrimitives.ReadUInt32BigEndian(span[8..]) != at.Salt1 || BinaryPrimitives.ReadUInt32BigEndian(span[12..]) != at.Salt2)
                break;
            var (c1, c2) = Checksum(span[..8], s1, s2, at.BigEndianChecksums);
            (c1, c2) = Checksum(span[FrameHeaderBytes..], c1, c2, at.BigEndianChecksums);
            if (c1 != BinaryPrimitives.ReadUInt32BigEndian(span[16..]) || c2 != BinaryPrimitives.ReadUInt32BigEndian(span[20..]))
                break;
            (s1, s2) = (c1, c2);
            index++;
            var pageNumber = BinaryPrimitives.ReadUInt32BigEndian(span);
            if (keepPages) uncommitted.Add(new WalPage(pageNumber, span[FrameHeaderBytes..].ToArray()));
            var sizeAfterCommit = BinaryPrimitives.ReadUInt32BigEndian(span[4..]);
            if (sizeAfterCommit == 0) continue;
            pages.AddRange(uncommitted);
            uncommitted.Clear();
            databasePages = sizeAfterCommit;
            commits++;
            at = at with { NextFrame = index, Checksum1 = s1, Checksum2 = s2 };
        }
        return new WalRead(pages, databasePages, commits, at, restarted);
    }

    /// <summary>The WAL's page size, or null when the file holds no valid header.</summary>
    public static int? PageSize(Stream wal)
    {
        var header = new byte[HeaderBytes];
        wal.Position = 0;
        return wal.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) == HeaderBytes && TryHeader(header, out var c) ? c.PageSize : null;
    }

    private static bool TryHeader(ReadOnlySpan<byte> header, out WalCursor start)
    {
        start = null!;
        var magic = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (magic is not (MagicLittleEndian or MagicBigEndian)) return false;
        var bigEndian = magic == MagicBigEndian;
        var pageSize = (int)BinaryPrimitives.ReadUInt32BigEndian(header[8..]);
        if (pageSize == 1) pageSize = 65536; // the format's spelling of 64 KiB
        if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) != 0) return false;
        var (c1, c2) = Checksum(header[..24], 0, 0, bigEndian);
        if (c1 != BinaryPrimitives.ReadUInt32BigEndian(header[24..]) || c2 != BinaryPrimitives.ReadUInt32BigEndian(header[28..])) return false;
        start = new WalCursor(BinaryPrimitives.ReadUInt32BigEndian(header[16..]), BinaryPrimitives.ReadUInt32BigEndian(header[20..]),
            0, c1, c2, pageSize, bigEndian);
        return true;
    }

    /// <summary>SQLite's WAL checksum: Fibonacci-weighted sums over pairs of 32-bit words.</summary>
    internal static (uint, uint) Checksum(ReadOnlySpan<byte> data, uint s1, uint s2, bool bigEndian)
    {
        for (var i = 0; i + 8 <= data.Length; i += 8)
        {
            var x0 = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(data[i..]) : BinaryPrimitives.ReadUInt32LittleEndian(data[i..]);
            var x1 = bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(data[(i + 4)..]) : BinaryPrimitives.ReadUInt32LittleEndian(data[(i + 4)..]);
            unchecked
            {
                s1 += x0 + s2;
                s2 += x1 + s1;
            }
        }
        return (s1, s2);
    }
}
