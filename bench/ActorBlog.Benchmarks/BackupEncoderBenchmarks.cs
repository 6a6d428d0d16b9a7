using ActorBlog.Backup.Format;
using BenchmarkDotNet.Attributes;

namespace ActorBlog.Benchmarks;

/// <summary>zstd (+ AES-GCM) + SHA-256 of a 16 MiB buffer of blog-like text, into a null sink.</summary>
[ShortRunJob, MemoryDiagnoser]
public class BackupEncoderBenchmarks
{
    private byte[] _source = [];
    private readonly byte[] _key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Params(1, 3)] public int Level { get; set; }
    [Params(false, true)] public bool Encrypted { get; set; }

    [GlobalSetup]
    public void Setup() => _source = BlogText.Bytes(16 * 1024 * 1024, seed: 16);

    [Benchmark]
    public async Task<EncodedBackup> Encode16MiB()
    {
        using var source = new MemoryStream(_source, writable: false);
        return await BackupEncoder.EncodeAsync(source, Stream.Null, Encrypted ? _key : null, Level);
    }
}
