using ActorBlog.Backup.Format;
using BenchmarkDotNet.Attributes;

namespace ActorBlog.Benchmarks;

/// <summary>
/// One change object's encode (zstd -3 + SHA-256, in memory, as <c>ChangeCatalog.StoreAsync</c> does)
/// with zstd's worker threads against none: replication encodes one such object per interval.
/// </summary>
[ShortRunJob, MemoryDiagnoser]
public class ChangeObjectEncodeBenchmarks
{
    private byte[] _source = [];

    /// <summary>A few posts' worth of captured pages, and a large batch.</summary>
    [Params(16 * 1024, 1024 * 1024)] public int Bytes { get; set; }

    [Params(0, 2)] public int Workers { get; set; }

    [GlobalSetup]
    public void Setup() => _source = BlogText.Bytes(Bytes, seed: 7);

    [Benchmark]
    public EncodedBackup EncodeChangeObject()
    {
        var encoded = new MemoryStream();
        return BackupEncoder.Encode(new MemoryStream(_source, writable: false), encoded, null, BackupEncoder.DefaultCompressionLevel, Workers, CancellationToken.None);
    }
}
