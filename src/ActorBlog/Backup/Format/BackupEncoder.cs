using System.Buffers;
using ZstdNet;

namespace ActorBlog.Backup.Format;

/// <param name="SizeBytes">Raw bytes read from the source (the SQLite snapshot).</param>
/// <param name="StoredBytes">Bytes written to the destination, as a target will store them.</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the written bytes.</param>
public sealed record EncodedBackup(long SizeBytes, long StoredBytes, string Sha256);

/// <summary>
/// Turns a snapshot into the bytes a target stores: zstd, then (with a key) ABE1 encryption,
/// hashed on the way out. Streams throughout; memory use does not grow with the database.
/// </summary>
public static class BackupEncoder
{
    public const int DefaultCompressionLevel = 3;
    private const int CopyBufferSize = 128 * 1024;

    /// <summary>zstd worker threads by default: one per core, at most 4 (more buys little and costs memory).</summary>
    public static readonly int DefaultCompressionWorkers = Math.Clamp(Environment.ProcessorCount, 1, 4);

    // What the encoding thread hands to the upload at a time, and how many such blocks may wait.
    private const int HandoffBlockSize = 1024 * 1024;
    private const int HandoffBlocks = 4;

    // The handoff's blocks come from a pool of their own, which keeps the six one encode holds (the
    // waiting ones, one in the upload's write, one being filled): blocks rented on the encoding
    // thread and returned on pool threads would otherwise scatter over the shared pool's per-thread
    // slots, a new encoding thread (one per backup) finding none.
    private static readonly ArrayPool<byte> HandoffBlockPool = ArrayPool<byte>.Create(HandoffBlockSize, HandoffBlocks + 2);

    /// <summary>
    /// Encodes on a thread of its own (<see cref="BackgroundThread"/>), at a lower OS priority when
    /// <paramref name="lowPriority"/>, while this side writes the result into <paramref name="destination"/>.
    /// Compressing a snapshot is most of a backup's CPU: on the pool it would hold a worker for tens
    /// of milliseconds at a time (its reads and the upload's buffering mostly complete at once), and
    /// requests queued behind it wait that long. Reads <paramref name="source"/> synchronously.
    /// </summary>
    /// <param name="key">32 bytes to encrypt with, or null for a plain zstd frame that stock <c>zstd -d</c> restores.</param>
    /// <param name="compressionWorkers">zstd worker threads (<see cref="DefaultCompressionWorkers"/> when null); 0 compresses on the encoding thread itself.</param>
    public static async Task<EncodedBackup> EncodeAsync(
        Stream source, Stream destination, byte[]? key, int compressionLevel = DefaultCompressionLevel,
        int? compressionWorkers = null, bool lowPriority = false, CancellationToken ct = default)
    {
        var workers = compressionWorkers ?? DefaultCompressionWorkers;
        using var handoff = new ThreadHandoff(HandoffBlockSize, HandoffBlocks, HandoffBlockPool);
        var encoding = BackgroundThread.Run("backup encode", lowPriority, () =>
        {
            try
            {
                return Encode(source, handoff.Writer, key, compressionLevel, workers, ct);
            }
            finally
            {
                handoff.WriterDone();
            }
        });
        try
        {
            await handoff.CopyToAsync(destination, ct).ConfigureAwait(false);
        }
        catch
        {
            handoff.ReaderGone();
            await Task.WhenAny(encoding).ConfigureAwait(false); // done with the source before the caller lets it go
            _ = encoding.Exception; // observed: the reader's failure is the one reported
            throw;
        }
        return await encoding.ConfigureAwait(false);
    }

    /// <summary>Encodes on the calling thread, synchronously: what <see cref="EncodeAsync"/> runs, and all a small object in memory needs.</summary>
    public static EncodedBackup Encode(Stream source, Stream destination, byte[]? key, int compressionLevel, int compressionWorkers, CancellationToken ct)
    {
        using var hashing = new HashingStream(destination, leaveOpen: true);
        using var encrypting = key is null ? null : ChunkedAesGcm.CreateEncryptingStream(hashing, key);

        long sizeBytes = 0;
        var options = new CompressionOptions(null, new Dictionary<ZSTD_cParameter, int>
        {
            // A frame checksum lets a plain `zstd -d` notice damage even without our manifest.
            [ZSTD_cParameter.ZSTD_c_checksumFlag] = 1,
            // Compress on worker threads while this one reads, hashes and encrypts: still one
            // standard frame (stock `zstd -d` restores it), and the window bounds the memory.
            [ZSTD_cParameter.ZSTD_c_nbWorkers] = compressionWorkers,
        }, compressionLevel);
        // ZstdNet (native libzstd, shipped in the package) rather than the managed port: in a
        // fresh process, as an operator's `backup` runs, it compresses 100 MB with ~0.4 CPU-s less.
        using (var compressing = new CompressionStream((Stream?)encrypting ?? hashing, options)) // leaves its stream open
        {
            var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
            try
            {
                int n;
                while ((n = source.Read(buffer, 0, CopyBufferSize)) > 0)
                {
                    ct.ThrowIfCancellationRequested();
                    compressing.Write(buffer, 0, n);
                    sizeBytes += n;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        } // disposing the compressor writes the end of the frame

        encrypting?.Finish();
        hashing.Flush();
        return new EncodedBackup(sizeBytes, hashing.BytesHashed, hashing.Sha256Hex);
    }
}
