using System.Diagnostics.Metrics;

namespace ActorBlog.Observability;

/// <summary>
/// Replication's instruments. The replication actor calls <see cref="Update"/> whenever what it has
/// shipped or what waits changes, and <see cref="Uploaded"/> per change object. The lag is computed
/// when scraped, so a replication that stalls shows a lag that keeps growing instead of a stale one.
/// Until the first update both gauges read 0: nothing is shipped and nothing waits.
/// </summary>
public sealed class ReplicationGauges
{
    private static readonly double[] UploadBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly TimeProvider _clock;
    private readonly Histogram<double> _upload;
    private readonly Lock _gate = new();
    private long _shippedRevision;
    private DateTimeOffset? _oldestUnshippedAt;

    internal ReplicationGauges(Meter meter, TimeProvider clock)
    {
        _clock = clock;
        meter.CreateObservableGauge("actorblog.replication.shipped_revision", () => { lock (_gate) return _shippedRevision; },
            description: "The newest database revision stored in the backup target");
        meter.CreateObservableGauge("actorblog.replication.lag", Lag, "s",
            "How long the oldest committed change not yet in the backup target has waited; 0 when none waits");
        _upload = meter.CreateHistogram("actorblog.replication.upload.duration", "s", "Storing and verifying one change object",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = UploadBuckets });
    }

    /// <param name="shippedRevision">The newest revision the target holds.</param>
    /// <param name="oldestUnshippedAt">When the oldest commit not yet shipped was made; null when everything is shipped.</param>
    public void Update(long shippedRevision, DateTimeOffset? oldestUnshippedAt)
    {
        lock (_gate)
        {
            _shippedRevision = shippedRevision;
            _oldestUnshippedAt = oldestUnshippedAt;
        }
    }

    public void Uploaded(TimeSpan took) => _upload.Record(took.TotalSeconds);

    private double Lag()
    {
        DateTimeOffset? since;
        lock (_gate) since = _oldestUnshippedAt;
        return since is { } t ? Math.Max(0, (_clock.GetUtcNow() - t).TotalSeconds) : 0;
    }
}
