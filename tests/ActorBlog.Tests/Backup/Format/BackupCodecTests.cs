using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using ActorBlog.Backup;
using ActorBlog.Backup.Format;
using ActorBlog.Tests.Infrastructure;
using ZstdSharp;

namespace ActorBlog.Tests.Backup.Format;

public sealed class BackupCodecTests : IDisposable
{
    private const string Marker = "MARKER-plaintext-must-never-be-stored-7f3a";
    private readonly TempDirectory _dir = new();
    private readonly string _dbPath;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public BackupCodecTests()
    {
        _dbPath = _dir.File("blog.db");
        // Big enough that the compressed stream spans several 64 KiB encrypted chunks.
        SqliteFiles.Create(_dbPath, rows: 6000, Marker);
    }

    public void Dispose() => _dir.Dispose();

    private async Task<(byte[] Stored, EncodedBackup Encoded)> Encode(byte[]? key)
    {
        using var source = File.OpenRead(_dbPath);
        using var stored = new MemoryStream();
        var encoded = await BackupEncoder.EncodeAsync(source, stored, key);
        return (stored.ToArray(), encoded);
    }

    private static async Task<(byte[] Sqlite, DecodedBackup Decoded)> Decode(byte[] stored, byte[]? key, string? expectedSha = null)
    {
        using var output = new MemoryStream();
        var decoded = await BackupDecoder.DecodeAsync(new MemoryStream(stored), output, key, expectedSha);
        return (output.ToArray(), decoded);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Round_trip_restores_the_identical_sqlite_file(bool encrypted)
    {
        var key = encrypted ? _key : null;
        var (stored, encoded) = await Encode(key);
        var original = await File.ReadAllBytesAsync(_dbPath);

        Assert.Equal(original.Length, encoded.SizeBytes);
        Assert.Equal(stored.Length, encoded.StoredBytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(stored)), encoded.Sha256);
        Assert.True(stored.Length < original.Length, "zstd should shrink a SQLite file");

        var (sqlite, decoded) = await Decode(stored, key, encoded.Sha256);
        Assert.Equal(original, sqlite);
        Assert.Equal(encoded.Sha256, decoded.Sha256);
        Assert.Equal(encoded.StoredBytes, decoded.StoredBytes);

        var restored = _dir.File("restored.db");
        await File.WriteAllBytesAsync(restored, sqlite);
        Assert.Equal(6000, SqliteFiles.CountRows(restored));
    }

    [Fact]
    public async Task Unencrypted_output_is_a_standard_zstd_frame()
    {
        var (stored, _) = await Encode(key: null);
        var original = await File.ReadAllBytesAsync(_dbPath);

        using (var plain = new DecompressionStream(new MemoryStream(stored)))
        using (var output = new MemoryStream())
        {
            await plain.CopyToAsync(output);
            Assert.Equal(original, output.ToArray());
        }

        if (FindOnPath("zstd") is { } zstd)
        {
            var storedPath = _dir.File("backup.db.zst");
            await File.WriteAllBytesAsync(storedPath, stored);
            var outPath = _dir.File("by-stock-zstd.db");
            using var process = Process.Start(new ProcessStartInfo(zstd, ["-q", "-d", storedPath, "-o", outPath])
            {
                RedirectStandardError = true,
            })!;
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, stderr);
            Assert.Equal(original, await File.ReadAllBytesAsync(outPath));
        }
    }

    [Fact]
    public async Task Encrypted_output_never_contains_the_plaintext()
    {
        var (stored, _) = await Encode(_key);

        Assert.True(stored.AsSpan().StartsWith("ABE1"u8));
        Assert.DoesNotContain(Marker, Encoding.Latin1.GetString(stored));
        Assert.Contains(Marker, Encoding.Latin1.GetString(await File.ReadAllBytesAsync(_dbPath)));
    }

    [Theory]
    [InlineData(128 * 1024, false)]     // one decoder output block exactly
    [InlineData(3 * 128 * 1024, false)] // a database of whole 32-page blocks, as many are
    [InlineData(3 * 128 * 1024, true)]
    [InlineData(3 * 128 * 1024 + 1, false)]
    public async Task Data_that_ends_on_a_decoder_block_boundary_round_trips(int length, bool encrypted)
    {
        var key = encrypted ? _key : null;
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes.AsSpan(0, length / 2)); // half noise, half zeros: compresses, but not to nothing
        using var stored = new MemoryStream();
        var encoded = await BackupEncoder.EncodeAsync(new MemoryStream(bytes), stored, key);

        var (decoded, result) = await Decode(stored.ToArray(), key, encoded.Sha256);

        Assert.Equal(length, result.SizeBytes);
        Assert.Equal(bytes, decoded);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_flipped_byte_is_reported_as_corruption(bool encrypted)
    {
        var key = encrypted ? _key : null;
        var (stored, encoded) = await Encode(key);
        stored[stored.Length / 2] ^= 0x01;

        await Assert.ThrowsAsync<BackupCorruptException>(() => Decode(stored, key));
        await Assert.ThrowsAsync<BackupCorruptException>(() => Decode(stored, key, encoded.Sha256));
    }

    [Fact]
    public async Task A_flipped_byte_in_the_first_chunk_is_corruption_when_the_checksum_is_known()
    {
        var (stored, encoded) = await Encode(_key);
        stored[ChunkedAesGcm.HeaderSize + ChunkedAesGcm.LengthSize + 10] ^= 0x80;

        await Assert.ThrowsAsync<BackupCorruptException>(() => Decode(stored, _key, encoded.Sha256));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Truncation_is_reported_as_corruption(bool encrypted)
    {
        var key = encrypted ? _key : null;
        var (stored, _) = await Encode(key);

        await Assert.ThrowsAsync<BackupCorruptException>(() => Decode(stored[..^7], key));
        await Assert.ThrowsAsync<BackupCorruptException>(() => Decode(stored[..(stored.Length / 3)], key));
    }

    [Fact]
    public async Task Dropping_the_final_chunk_is_reported_as_corruption()
    {
        var (stored, _) = await Encode(_key);
        var chunks = ChunkBounds(stored);
        Assert.True(chunks.Count >= 3, $"want several chunks, got {chunks.Count}");

        var withoutLast = stored[..chunks[^1].Start];
        var ex = await Assert.ThrowsAsync<BackupCorruptException>(() => Decode(withoutLast, _key));
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public async Task Reordered_chunks_are_reported_as_corruption()
    {
        var (stored, _) = await Encode(_key);
        var chunks = ChunkBounds(stored);
        var (a, b) = (chunks[1], chunks[2]);
        Assert.Equal(a.Length, b.Length); // full chunks, so the swap keeps every length field valid

        var swapped = (byte[])stored.Clone();
        stored.AsSpan(b.Start, b.Length).CopyTo(swapped.AsSpan(a.Start));
        stored.AsSpan(a.Start, a.Length).CopyTo(swapped.AsSpan(b.Start));

        await Assert.ThrowsAsync<BackupCorruptException>(() => Decode(swapped, _key));
    }

    [Fact]
    public async Task A_wrong_key_is_reported_as_a_key_problem()
    {
        var (stored, encoded) = await Encode(_key);
        var wrong = RandomNumberGenerator.GetBytes(32);

        await Assert.ThrowsAsync<BackupKeyException>(() => Decode(stored, wrong));
        await Assert.ThrowsAsync<BackupKeyException>(() => Decode(stored, wrong, encoded.Sha256));
    }

    [Fact]
    public async Task A_missing_key_for_an_encrypted_backup_is_reported_as_a_key_problem()
    {
        var (stored, _) = await Encode(_key);

        var ex = await Assert.ThrowsAsync<BackupKeyException>(() => Decode(stored, key: null));
        Assert.Contains("encrypted", ex.Message);
    }

    [Fact]
    public async Task A_checksum_mismatch_is_reported_as_corruption()
    {
        var (stored, _) = await Encode(key: null);

        await Assert.ThrowsAsync<BackupCorruptException>(() => Decode(stored, null, new string('0', 64)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_empty_source_round_trips(bool encrypted)
    {
        var key = encrypted ? _key : null;
        using var stored = new MemoryStream();
        var encoded = await BackupEncoder.EncodeAsync(new MemoryStream(), stored, key);

        var (sqlite, decoded) = await Decode(stored.ToArray(), key, encoded.Sha256);
        Assert.Empty(sqlite);
        Assert.Equal(0, encoded.SizeBytes);
        Assert.Equal(encoded.StoredBytes, decoded.StoredBytes);
    }

    [Fact]
    public async Task A_key_of_the_wrong_size_is_rejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => BackupEncoder.EncodeAsync(new MemoryStream([1]), new MemoryStream(), new byte[16]));
    }

    [Fact]
    public async Task A_low_priority_encode_reads_and_compresses_niced_on_a_thread_of_its_own_and_the_result_decodes()
    {
        var callers = BackgroundThread.CurrentNice();
        using var source = new WatchedSource(File.OpenRead(_dbPath));
        using var stored = new MemoryStream();

        var encoded = await BackupEncoder.EncodeAsync(source, stored, _key, compressionWorkers: 0, lowPriority: true);

        Assert.All(source.Readers, reader =>
        {
            Assert.False(reader.Pooled);
            Assert.Equal(OperatingSystem.IsLinux() ? Math.Min(19, callers + BackgroundThread.LowPriorityNice) : callers, reader.Nice);
        });
        Assert.Equal(callers, BackgroundThread.CurrentNice());
        // A thread inherits its creator's priority: had the niced encoder queued pool work (and so started a
        // worker) or started the runtime's own threads, the whole process would now run part of its work niced.
        Assert.All(RuntimeThreads(), thread => Assert.True(thread.Nice == callers, $"{thread.Name} runs at nice {thread.Nice}"));
        var (sqlite, _) = await Decode(stored.ToArray(), _key, encoded.Sha256);
        Assert.Equal(await File.ReadAllBytesAsync(_dbPath), sqlite);
    }

    /// <summary>The runtime's threads in this process (pool workers, the pool's wait and gate threads, the JIT's), with their nice values.</summary>
    private static IEnumerable<(string Name, int Nice)> RuntimeThreads()
    {
        if (!OperatingSystem.IsLinux()) yield break;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue; // the thread ended meanwhile
            }
            var open = stat.IndexOf('(');
            var close = stat.LastIndexOf(')');
            var name = stat[(open + 1)..close];
            // After the name: state is field 3, nice field 19 (proc(5)).
            var nice = int.Parse(stat[(close + 2)..].Split(' ')[16], System.Globalization.CultureInfo.InvariantCulture);
            if (name.StartsWith(".NET", StringComparison.Ordinal)) yield return (name, nice);
        }
    }

    [Fact]
    public async Task A_destination_that_fails_stops_the_encoder_and_its_error_is_the_encodes()
    {
        // Endless and incompressible: only the failed destination can end this encode.
        var e = await Assert.ThrowsAsync<IOException>(() =>
            BackupEncoder.EncodeAsync(new EndlessNoise(), new RefusingStream(), key: null).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal("the store hung up", e.Message);
    }

    [Fact]
    public async Task A_cancelled_encode_answers_with_cancellation()
    {
        using var source = File.OpenRead(_dbPath);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            BackupEncoder.EncodeAsync(source, new MemoryStream(), key: null, ct: new CancellationToken(canceled: true)).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>A file stream that notes, on every read, the reading thread's priority and whether it is a pool thread.</summary>
    private sealed class WatchedSource(FileStream inner) : Stream
    {
        public System.Collections.Concurrent.ConcurrentBag<(int Nice, bool Pooled)> Readers { get; } = [];
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Readers.Add((BackgroundThread.CurrentNice(), Thread.CurrentThread.IsThreadPoolThread));
            return inner.Read(buffer, offset, count);
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    private sealed class EndlessNoise : OneWayStream
    {
        public override bool CanRead => true;
        public override bool CanWrite => false;

        public override int Read(Span<byte> buffer)
        {
            RandomNumberGenerator.Fill(buffer);
            return buffer.Length;
        }
    }

    private static List<(int Start, int Length)> ChunkBounds(byte[] stored)
    {
        var bounds = new List<(int, int)>();
        var at = ChunkedAesGcm.HeaderSize;
        while (at < stored.Length)
        {
            var length = ChunkedAesGcm.LengthSize + BinaryPrimitives.ReadInt32BigEndian(stored.AsSpan(at)) + ChunkedAesGcm.TagSize;
            bounds.Add((at, length));
            at += length;
        }
        return bounds;
    }

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);
}
