using System.Buffers;

namespace ActorBlog.Backup.Format;

/// <param name="SizeBytes">SQLite bytes written to the destination.</param>
/// <param name="StoredBytes">Bytes read from the stored object.</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the stored bytes, to compare with the manifest.</param>
public sealed record DecodedBackup(long SizeBytes, long StoredBytes, string Sha256);

/// <summary>
/// Turns a stored object back into the SQLite file. The format is recognised by its first
/// bytes (zstd frame or ABE1), so backups taken before a key was configured still restore.
/// Every failure of the data is a <see cref="BackupCorruptException"/> or a
/// <see cref="BackupKeyException"/>; the destination must be treated as garbage when one is thrown.
/// </summary>
public static class BackupDecoder
{
    private const int CopyBufferSize = 128 * 1024;
    private static ReadOnlySpan<byte> ZstdMagic => [0x28, 0xB5, 0x2F, 0xFD];

    /// <param name="key">32 bytes, or null; required when the object is encrypted.</param>
    /// <param name="expectedSha256">The manifest's checksum; when given, a mismatch throws, and a failed
    /// first chunk is told apart as damage (checksum differs) or a wrong key (checksum matches).</param>
    public static async Task<DecodedBackup> DecodeAsync(
        Stream stored, Stream destination, byte[]? key,
        string? expectedSha256 = null, CancellationToken ct = default)
    {
        var hashing = new HashingStream(stored, leaveOpen: true);
        using var _ = hashing;
        // The download and its hashing run ahead on a task of their own while zstd decodes here;
        // from now on only `ahead` reads `hashing`, and its end is the end of the object.
        var ahead = new ReadAheadStream(hashing);
        await using var __ = ahead.ConfigureAwait(false);
        long sizeBytes;
        try
        {
            sizeBytes = await DecodeFramesAsync(ahead, destination, key, ct).ConfigureAwait(false);
        }
        catch (BackupKeyException) when (expectedSha256 is not null)
        {
            await DrainAsync(ahead, ct).ConfigureAwait(false);
            if (!string.Equals(hashing.Sha256Hex, expectedSha256, StringComparison.OrdinalIgnoreCase))
                throw Mismatch(hashing.Sha256Hex, expectedSha256);
            throw;
        }

        // Bytes after the end of the data (there should be none) still belong to the object's checksum.
        await DrainAsync(ahead, ct).ConfigureAwait(false);
        var decoded = new DecodedBackup(sizeBytes, hashing.BytesHashed, hashing.Sha256Hex);
        if (expectedSha256 is not null && !string.Equals(decoded.Sha256, expectedSha256, StringComparison.OrdinalIgnoreCase))
            throw Mismatch(decoded.Sha256, expectedSha256);
        return decoded;
    }

    private static async Task<long> DecodeFramesAsync(Stream stored, Stream destination, byte[]? key, CancellationToken ct)
    {
        var magic = new byte[4];
        var got = await stored.ReadAtLeastAsync(magic, magic.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (got < magic.Length)
            throw new BackupCorruptException($"Backup object is only {got} bytes long: truncated.");

        Stream compressed = new PrefixedReadStream(magic, stored);
        ChunkedAesGcmReadStream? decrypting = null;
        if (ChunkedAesGcm.HasMagic(magic))
        {
            if (key is null)
                throw new BackupKeyException("Backup is encrypted and no key was given.");
            compressed = decrypting = ChunkedAesGcm.CreateDecryptingStream(compressed, key);
        }
        else if (!magic.AsSpan().SequenceEqual(ZstdMagic))
        {
            throw new BackupCorruptException("Backup object is neither a zstd frame nor an ABE1 encrypted object.");
        }

        using var __ = decrypting;
        return await ZstdDecompressor.DecompressAsync(compressed, destination, ct).ConfigureAwait(false);
    }

    private static async Task DrainAsync(Stream stream, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            while (await stream.ReadAsync(buffer.AsMemory(0, CopyBufferSize), ct).ConfigureAwait(false) > 0) { }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static BackupCorruptException Mismatch(string actual, string expected) =>
        new($"Backup object checksum {actual} does not match its manifest ({expected}).");
}
