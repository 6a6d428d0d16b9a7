namespace ActorBlog.Tests.Observability;

public sealed class BlogMetricsTests
{
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Every_counter_and_gauge_reads_0_before_anything_happened()
    {
        using var probe = new MetricsProbe();
        foreach (var name in new[]
                 {
                     "actorblog.backup.last_success_timestamp", "actorblog.backup.failures", "actorblog.drill.last_success_timestamp",
                     "actorblog.drill.failures", "actorblog.store.commits", "actorblog.replication.lag", "actorblog.replication.shipped_revision",
                 })
            Assert.Equal(0, probe.Observe(name));
    }

    [Fact]
    public void A_verified_backup_sets_the_timestamp_in_unix_seconds_and_records_its_duration()
    {
        using var probe = new MetricsProbe();
        var at = new DateTimeOffset(2026, 12, 1, 10, 0, 0, 250, TimeSpan.Zero);

        probe.Metrics.BackupVerified(at, TimeSpan.FromMilliseconds(1500));
        probe.Metrics.BackupFailed();
        probe.Metrics.BackupFailed();

        Assert.Equal(at.ToUnixTimeMilliseconds() / 1000.0, probe.Observe("actorblog.backup.last_success_timestamp"));
        Assert.Equal([1.5], probe.Recorded("actorblog.backup.duration"));
        Assert.Equal(2, probe.Observe("actorblog.backup.failures"));
    }

    [Fact]
    public void A_failed_drill_counts_and_keeps_the_last_passing_drills_time()
    {
        using var probe = new MetricsProbe();
        var passed = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

        probe.Metrics.Drill(passed, ok: true);
        probe.Metrics.Drill(passed.AddHours(1), ok: false);

        Assert.Equal(passed.ToUnixTimeSeconds(), probe.Observe("actorblog.drill.last_success_timestamp"));
        Assert.Equal(1, probe.Observe("actorblog.drill.failures"));
    }

    [Fact]
    public void Commits_count_and_their_durations_are_recorded_in_seconds()
    {
        using var probe = new MetricsProbe();
        probe.Metrics.Committed(TimeSpan.FromMilliseconds(2));
        probe.Metrics.Committed(TimeSpan.FromMilliseconds(4));

        Assert.Equal(2, probe.Observe("actorblog.store.commits"));
        Assert.Equal([0.002, 0.004], probe.Recorded("actorblog.store.commit.duration"));
    }

    [Fact]
    public void Replication_lag_grows_while_a_change_waits_and_is_0_once_everything_is_shipped()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
        using var probe = new MetricsProbe(clock);

        probe.Metrics.Replication.Update(41, oldestUnshippedAt: clock.Now);
        clock.Now += TimeSpan.FromSeconds(3);
        var waiting = probe.Observe("actorblog.replication.lag");
        clock.Now += TimeSpan.FromSeconds(4);
        var stalled = probe.Observe("actorblog.replication.lag");
        probe.Metrics.Replication.Update(42, oldestUnshippedAt: null);
        probe.Metrics.Replication.Uploaded(TimeSpan.FromMilliseconds(120));

        Assert.Equal((3, 7), (waiting, stalled)); // no update in between: the lag is computed when read
        Assert.Equal(0, probe.Observe("actorblog.replication.lag"));
        Assert.Equal(42, probe.Observe("actorblog.replication.shipped_revision"));
        Assert.Equal([0.12], probe.Recorded("actorblog.replication.upload.duration"));
    }
}
