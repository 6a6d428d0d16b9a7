using System.Diagnostics.Metrics;

namespace ActorBlog.Observability;

/// <summary>
/// The blog's own instruments, all on one <see cref="Meter"/> named <see cref="MeterName"/>. The
/// instrument names are OpenTelemetry's (dots, a unit beside the name); the Prometheus exporter
/// turns them into the contract's names by appending the unit (<c>s</c> becomes <c>_seconds</c>)
/// and, for counters, <c>_total</c>: <c>actorblog.backup.failures</c> is scraped as
/// <c>actorblog_backup_failures_total</c>. Counters and gauges are observed when scraped, so each
/// is there from the first scrape on, at 0 before anything happened (a rate needs that first 0).
/// Recording is thread-safe and never blocks.
/// </summary>
public sealed class BlogMetrics : IDisposable
{
    public const string MeterName = "ActorBlog";

    // Seconds: a small blog backs up in well under a second, a large one over S3 in minutes.
    private static readonly double[] BackupBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
    // Seconds: one group commit with synchronous=FULL is an fsync or two.
    private static readonly double[] CommitBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Meter _meter;
    private readonly Histogram<double> _backupDuration;
    private long _backupFailures;
    private long _drillFailures;
    private long _commits;
    private readonly Histogram<double> _commitDuration;
    private readonly LastValue _lastBackup = new();
    private readonly LastValue _lastDrill = new();

    public BlogMetrics(IMeterFactory factory, TimeProvider clock)
    {
        _meter = factory.Create(MeterName);
        _meter.CreateObservableGauge("actorblog.backup.last_success_timestamp", _lastBackup.Read, "s",
            "When the newest verified backup was taken (Unix time); 0 before the first");
        _backupDuration = _meter.CreateHistogram("actorblog.backup.duration", "s",
            "From the start of a backup to its verification", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = BackupBuckets });
        _meter.CreateObservableCounter("actorblog.backup.failures", () => Interlocked.Read(ref _backupFailures), "{failure}", "Backups that failed, since start");
        _meter.CreateObservableGauge("actorblog.drill.last_success_timestamp", _lastDrill.Read, "s",
            "When the newest passing restore drill ran (Unix time); 0 when none is known");
        _meter.CreateObservableCounter("actorblog.drill.failures", () => Interlocked.Read(ref _drillFailures), "{failure}", "Restore drills that failed, since start");
        _meter.CreateObservableCounter("actorblog.store.commits", () => Interlocked.Read(ref _commits), "{commit}", "Write transactions committed to blog.db, since start");
        _commitDuration = _meter.CreateHistogram("actorblog.store.commit.duration", "s",
            "One group commit: the transaction and its fsync", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CommitBuckets });
        Replication = new ReplicationGauges(_meter, clock);
    }

    /// <summary>What the replication actor reports; its gauges are exported whether or not it runs.</summary>
    public ReplicationGauges Replication { get; }

    public void BackupVerified(DateTimeOffset at, TimeSpan took)
    {
        _lastBackup.Set(at);
        _backupDuration.Record(took.TotalSeconds);
    }

    public void BackupFailed() => Interlocked.Increment(ref _backupFailures);

    /// <summary>The state recovered from the journal, so a restarted host does not report 0 until its next backup.</summary>
    public void Recovered(DateTimeOffset? lastBackup, DateTimeOffset? lastPassingDrill)
    {
        if (lastBackup is { } b) _lastBackup.Set(b);
        if (lastPassingDrill is { } d) _lastDrill.Set(d);
    }

    public void Drill(DateTimeOffset at, bool ok)
    {
        if (ok) _lastDrill.Set(at);
        else Interlocked.Increment(ref _drillFailures);
    }

    public void Committed(TimeSpan took)
    {
        Interlocked.Increment(ref _commits);
        _commitDuration.Record(took.TotalSeconds);
    }

    public void Dispose() => _meter.Dispose();

    /// <summary>A Unix timestamp written by one thread and read by the exporter's.</summary>
    private sealed class LastValue
    {
        private long _unixMilliseconds;

        public void Set(DateTimeOffset at) => Interlocked.Exchange(ref _unixMilliseconds, at.ToUnixTimeMilliseconds());

        public double Read() => Interlocked.Read(ref _unixMilliseconds) / 1000.0;
    }
}
