using System.Collections;
using ActorBlog.Backup;
using ActorBlog.Backup.Scheduling;
using ActorBlog.Backup.Snapshot;
using ActorBlog.Backup.Upload;
using ActorBlog.Configuration;
using ActorBlog.Observability;
using ActorBlog.Tests.Infrastructure;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;

namespace ActorBlog.Tests.Observability;

/// <summary>
/// The real scheduler and steps over temp folders, on virtual time and Akka's in-memory journal:
/// what it publishes once journaled reaches the metrics, and a restarted scheduler's recovered
/// history sets them before its next backup.
/// </summary>
public sealed class BackupMetricsListenerSpecs : TestKit
{
    private const string Config = """
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    private readonly TempDirectory _dir = new();
    private readonly TestBlog _blog;
    private readonly BackupSettings _settings;

    public BackupMetricsListenerSpecs() : base(Config)
    {
        _blog = new TestBlog(_dir.Path);
        _settings = TestBlog.Settings(_dir.Path);
    }

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private IActorRef StartScheduler(BackupSettings settings, string name)
    {
        BackupCatalog Catalog() => BackupCatalogFactory.Create(settings, Secrets.FromEnvironment(new Hashtable()));
        var steps = new BackupScheduler.Steps(
            SnapshotActor.Props(new SnapshotActor.Options(_blog.DatabasePath, settings.TempDir, Catalog, null, 3)),
            UploadActor.Props(Catalog, verify: true));
        return Sys.ActorOf(BackupScheduler.Props(settings, steps), name);
    }

    private BackupStatus AwaitStatus(IActorRef scheduler, Func<BackupStatus, bool> condition)
    {
        BackupStatus? seen = null;
        AwaitAssert(() =>
        {
            Clock.Advance(TimeSpan.Zero);
            seen = scheduler.Ask<BackupStatus>(BackupScheduler.GetStatus.Instance, TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            Assert.True(condition(seen), $"state was {seen}");
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));
        return seen!;
    }

    [Fact]
    public void A_verified_backup_and_a_failed_one_reach_the_metrics_through_the_event_stream()
    {
        using var probe = new MetricsProbe();
        BackupListeners.StartMetrics(Sys, probe.Metrics);
        _blog.AddPosts(2);
        var scheduler = StartScheduler(_settings, "scheduler");

        var verified = AwaitStatus(scheduler, s => s.LastSuccess is not null && !s.InFlight);
        AwaitAssert(() => Assert.Equal(verified.LastSuccess!.At.ToUnixTimeMilliseconds() / 1000.0,
            probe.Observe("actorblog.backup.last_success_timestamp")));
        Assert.Single(probe.Recorded("actorblog.backup.duration"));
        Assert.Equal(0, probe.Observe("actorblog.backup.failures"));

        // A file where the staging folder should be fails the next snapshot, for root too.
        if (Directory.Exists(_settings.TempDir)) Directory.Delete(_settings.TempDir, recursive: true);
        File.WriteAllText(_settings.TempDir, "in the way");
        scheduler.Tell(BackupScheduler.BackupNow.Instance);
        AwaitStatus(scheduler, s => s.ConsecutiveFailures == 1);
        AwaitAssert(() => Assert.Equal(1, probe.Observe("actorblog.backup.failures")));
        Assert.Single(probe.Recorded("actorblog.backup.duration")); // failures are counted, not timed
    }

    [Fact]
    public void A_restarted_scheduler_publishes_its_recovered_history_so_the_timestamp_is_not_0_until_the_next_backup()
    {
        _blog.AddPosts(1);
        var first = StartScheduler(_settings, "scheduler");
        var before = AwaitStatus(first, s => s.LastSuccess is not null && !s.InFlight);
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);

        using var probe = new MetricsProbe(); // a fresh process's metrics: nothing known yet
        var listener = BackupListeners.StartMetrics(Sys, probe.Metrics);
        Assert.Equal(0, probe.Observe("actorblog.backup.last_success_timestamp"));
        var restarted = StartScheduler(_settings with { Interval = TimeSpan.FromDays(1) }, "scheduler-again");
        var recovered = AwaitStatus(restarted, s => s.LastSuccess is not null);

        Assert.Null(recovered.LastTick); // no backup ran after the restart
        AwaitAssert(() => Assert.Equal(before.LastSuccess!.At.ToUnixTimeMilliseconds() / 1000.0,
            probe.Observe("actorblog.backup.last_success_timestamp")));
        Assert.Empty(probe.Recorded("actorblog.backup.duration"));
        Sys.Stop(listener);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _dir.Dispose();
    }
}
