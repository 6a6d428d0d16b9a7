using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ActorBlog.Backup.Format;

/// <summary>
/// The "ABE1" encryption layer: AES-256-GCM over 64 KiB chunks, streamable in both directions.
/// Each chunk's nonce carries its position and whether it is the last, so reordering, dropping
/// or appending chunks fails authentication. The layout is described in docs/backup-format.md.
/// </summary>
public static class ChunkedAesGcm
{
    public const int KeySize = 32;
    public const int ChunkSize = 64 * 1024;
    public const int TagSize = 16;
    public const int NoncePrefixSize = 7;
    public const int LengthSize = 4;

    /// <summary>"ABE1": ActorBlog Encrypted, format 1.</summary>
    public static ReadOnlySpan<byte> Magic => "ABE1"u8;

    public static int HeaderSize => Magic.Length + NoncePrefixSize;

    /// <summary>Whether <paramref name="firstBytes"/> (at least 4) start an ABE1 object.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> firstBytes) => firstBytes.StartsWith(Magic);

    /// <summary>Wraps <paramref name="destination"/>; call <see cref="ChunkedAesGcmWriteStream.Finish"/> to seal the last chunk.</summary>
    public static ChunkedAesGcmWriteStream CreateEncryptingStream(Stream destination, ReadOnlySpan<byte> key, bool leaveOpen = true) =>
        new(destination, key, leaveOpen);

    /// <summary>Reads plaintext out of an ABE1 object, failing with <see cref="BackupCorruptException"/> or <see cref="BackupKeyException"/>.</summary>
    public static ChunkedAesGcmReadStream CreateDecryptingStream(Stream source, ReadOnlySpan<byte> key, bool leaveOpen = true) =>
        new(source, key, leaveOpen);

    internal static byte[] NewHeader()
    {
        var header = new byte[HeaderSize];
        Magic.CopyTo(header);
        RandomNumberGenerator.Fill(header.AsSpan(Magic.Length));
        return header;
    }

    internal static void BuildNonce(ReadOnlySpan<byte> header, uint counter, bool last, Span<byte> nonce)
    {
        header.Slice(Magic.Length, NoncePrefixSize).CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce.Slice(NoncePrefixSize, 4), counter);
        nonce[NoncePrefixSize + 4] = last ? (byte)1 : (byte)0;
    }

    internal static AesGcm CreateCipher(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
            throw new ArgumentException($"A backup key must be {KeySize} bytes, got {key.Length}.", nameof(key));
        return new AesGcm(key, TagSize);
    }
}
