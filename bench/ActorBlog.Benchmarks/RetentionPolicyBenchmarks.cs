using ActorBlog.Backup.Format;
using ActorBlog.Backup.Retention;
using BenchmarkDotNet.Attributes;

namespace ActorBlog.Benchmarks;

/// <summary>RetentionPolicy over 10,000 manifests, one every 20 minutes (about 4.6 months).</summary>
[ShortRunJob, MemoryDiagnoser]
public class RetentionPolicyBenchmarks
{
    private readonly RetentionRules _rules = new(24, 7, 4, 12);
    private List<BackupManifest> _manifests = [];

    [GlobalSetup]
    public void Setup()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        _manifests = Enumerable.Range(0, 10_000).Select(i =>
        {
            var at = start.AddMinutes(20 * i);
            var id = $"{at:yyyyMMdd'T'HHmmssfff'Z'}-{i:x6}";
            return new BackupManifest(BackupManifest.CurrentFormatVersion, id, at, i, 100, 1 << 20, 1 << 18,
                new string('a', 64), "zstd", false, $"blog/{at:yyyy/MM/dd}/{id}.db.zst");
        }).ToList();
    }

    [Benchmark]
    public int SelectForDeletion10000() => RetentionPolicy.SelectForDeletion(_manifests, _rules).Count;
}
