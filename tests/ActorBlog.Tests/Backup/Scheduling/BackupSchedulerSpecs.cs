using System.Collections;
using ActorBlog.Backup;
using ActorBlog.Backup.Scheduling;
using ActorBlog.Configuration;
using ActorBlog.Tests.Infrastructure;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Tests.Backup.Scheduling;

/// <summary>
/// The scheduler with its real steps over temp folders; time is virtual (TestScheduler), so an
/// hour passes when the test says so. The journal is Akka's in-memory one, shared by every
/// scheduler in the test's actor system, which is what a restart needs.
/// </summary>
public sealed class BackupSchedulerSpecs : TestKit
{
    private const string Config = """
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        # A bound, not a pause: a loaded machine can take seconds to deliver an answer.
        akka.test.single-expect-default = 30s
        """;

    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private readonly TempDirectory _dir = new();
    private readonly TestBlog _blog;
    private readonly BackupSettings _settings;

    public BackupSchedulerSpecs() : base(Config)
    {
        _blog = new TestBlog(_dir.Path);
        _settings = TestBlog.Settings(_dir.Path, Interval);
    }

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private BackupCatalog Catalog(BackupSettings settings) => BackupCatalogFactory.Create(settings, NoSecrets);

    /// <summary>The scheduler exactly as the host's WithBackups starts it: supervised, with its real steps.</summary>
    private IActorRef StartScheduler(BackupSettings? settings = null, string name = "scheduler") =>
        Sys.ActorOf(BackupActors.SupervisedScheduler(new BackupWiring(settings ?? _settings, NoSecrets, _blog.DatabasePath)), name);

    private static readonly Secrets NoSecrets = Secrets.FromEnvironment(new Hashtable());

    private BackupStatus Status(IActorRef scheduler)
    {
        scheduler.Tell(BackupScheduler.GetStatus.Instance);
        return ExpectMsg<BackupStatus>();
    }

    /// <summary>Lets due timers fire (virtual time does not move) until the state satisfies <paramref name="condition"/>.</summary>
    private BackupStatus AwaitStatus(IActorRef scheduler, Func<BackupStatus, bool> condition)
    {
        BackupStatus? seen = null;
        AwaitAssert(() =>
        {
            Clock.Advance(TimeSpan.Zero);
            seen = Status(scheduler);
            Assert.True(condition(seen), $"state was {seen}");
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));
        return seen!;
    }

    private int StoredBackups(BackupSettings? settings = null) => Catalog(settings ?? _settings).ListAsync(CancellationToken.None).GetAwaiter().GetResult().Count;

    [Fact]
    public void A_first_start_backs_up_at_once_then_a_tick_that_finds_nothing_changed_uploads_nothing()
    {
        _blog.AddPosts(3);
        var scheduler = StartScheduler();

        var first = AwaitStatus(scheduler, s => s.LastTick?.Result == TickResult.Uploaded);
        Assert.Equal(first.LastSuccess!.At + Interval, first.NextDueAt);
        Assert.Equal(1, StoredBackups());

        Clock.Advance(Interval);
        var unchanged = AwaitStatus(scheduler, s => s.LastTick?.Result == TickResult.Unchanged);
        Assert.Equal(first.LastSuccess, unchanged.LastSuccess);
        Assert.Equal(1, StoredBackups());

        _blog.AddPosts(1);
        Clock.Advance(Interval);
        var second = AwaitStatus(scheduler, s => s.LastTick?.Result == TickResult.Uploaded && s.LastSuccess!.Id != first.LastSuccess.Id);
        Assert.Equal(2, StoredBackups());
        Assert.False(second.InFlight);
        Assert.Equal(0, second.ConsecutiveFailures);
    }

    [Fact]
    public void A_requested_backup_is_taken_even_when_nothing_changed()
    {
        var scheduler = StartScheduler();
        var first = AwaitStatus(scheduler, s => s.LastSuccess is not null);

        scheduler.Tell(BackupScheduler.BackupNow.Instance);
        var accepted = ExpectMsg<BackupScheduler.BackupAccepted>();

        Assert.NotEqual(first.LastSuccess!.Id, accepted.Id);
        AwaitStatus(scheduler, s => s.LastSuccess?.Id == accepted.Id);
        Assert.Equal(2, StoredBackups());
    }

    [Fact]
    public void A_restarted_scheduler_takes_its_next_due_time_from_the_journal()
    {
        _blog.AddPosts(2);
        var scheduler = StartScheduler();
        var before = AwaitStatus(scheduler, s => s.LastSuccess is not null && !s.InFlight);
        Watch(scheduler);
        Sys.Stop(scheduler);
        ExpectTerminated(scheduler);

        _blog.AddPosts(1);
        Clock.Advance(TimeSpan.FromMinutes(10));
        var restarted = StartScheduler(name: "scheduler-again");
        var recovered = Status(restarted);

        Assert.Equal(before.LastSuccess, recovered.LastSuccess);
        Assert.Equal(before.LastSuccess!.At + Interval, recovered.NextDueAt);
        Clock.Advance(TimeSpan.FromMinutes(49));
        // Not due yet: a restart does not mean an extra backup. A due timer would have started one
        // before this status was asked (TestScheduler sends due messages as Advance runs).
        var waiting = Status(restarted);
        Assert.False(waiting.InFlight);
        Assert.Null(waiting.Current);
        Assert.Null(waiting.LastTick);
        Assert.Equal(before.LastSuccess, waiting.LastSuccess);
        Assert.Equal(1, StoredBackups());

        Clock.Advance(TimeSpan.FromMinutes(1));
        AwaitStatus(restarted, s => s.LastTick?.Result == TickResult.Uploaded);
        Assert.Equal(2, StoredBackups());
    }

    [Fact]
    public async Task An_upload_failure_restarts_only_the_upload_actor_and_the_next_tick_still_runs()
    {
        _blog.AddPosts(1);
        // The backup folder's path is taken by a file: every upload fails for real.
        var blocked = _settings with { FilePath = _dir.File("not-a-folder") };
        File.WriteAllText(blocked.FilePath, "in the way");
        var scheduler = StartScheduler(blocked);
        // Virtual time has not moved, so the first tick has not fired: both steps are in their first incarnation.
        var snapshotBefore = await Child(scheduler, "snapshot");
        var uploadBefore = await Child(scheduler, "upload");

        var failed = AwaitStatus(scheduler, s => s.LastTick?.Result == TickResult.Failed);

        Assert.Equal(1, failed.ConsecutiveFailures);
        Assert.StartsWith("upload failed:", failed.LastFailure!.Error);
        Assert.True(failed.Degraded);
        Assert.Empty(Directory.EnumerateFiles(blocked.TempDir)); // the staged copy is gone

        File.Delete(blocked.FilePath);
        Clock.Advance(TimeSpan.FromSeconds(1)); // one min-backoff: the upload actor restarts and the retry is due
        var recovered = AwaitStatus(scheduler, s => s.LastTick?.Result == TickResult.Uploaded);

        Assert.Equal(0, recovered.ConsecutiveFailures);
        Assert.Equal(failed.LastFailure, recovered.LastFailure); // the scheduler kept its memory: it was not restarted
        Assert.Equal(1, StoredBackups(blocked));
        Assert.Equal(snapshotBefore, await Child(scheduler, "snapshot")); // same incarnation: not restarted
        Assert.NotEqual(uploadBefore, await Child(scheduler, "upload"));  // a new incarnation after its failure
    }

    /// <summary>The step's current incarnation; waits for it to exist (the scheduler creates it as it starts).</summary>
    private async Task<IActorRef> Child(IActorRef scheduler, string step)
    {
        IActorRef child = ActorRefs.Nobody;
        await AwaitAssertAsync(async () =>
            child = await Sys.ActorSelection(scheduler.Path / "scheduler" / $"{step}-supervisor" / step).ResolveOne(TimeSpan.FromSeconds(1)),
            TimeSpan.FromSeconds(10));
        return child;
    }

    [Fact]
    public void A_request_during_a_backup_is_taken_right_after_it()
    {
        var scheduler = StartScheduler(_settings with { Enabled = false });
        // Sent together, the second and third reach the scheduler while the first is in flight.
        for (var i = 0; i < 3; i++) scheduler.Tell(BackupScheduler.BackupNow.Instance);
        var first = ExpectMsg<BackupScheduler.BackupAccepted>();
        var second = ExpectMsg<BackupScheduler.BackupAccepted>();
        var third = ExpectMsg<BackupScheduler.BackupAccepted>();

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(second.Id, third.Id); // one pending request covers every request made while it waits
        var done = AwaitStatus(scheduler, s => s.LastSuccess?.Id == second.Id);
        Assert.Null(done.NextDueAt); // disabled: nothing is scheduled, but requests are served
        Assert.Equal(2, StoredBackups());
    }

    [Fact]
    public void A_drill_restores_the_newest_backup_one_drill_interval_after_it_and_leaves_nothing_behind()
    {
        _blog.AddPosts(4);
        var settings = _settings with { DrillInterval = TimeSpan.FromDays(1) };
        var scheduler = StartScheduler(settings);
        var first = AwaitStatus(scheduler, s => s.LastSuccess is not null && !s.InFlight);
        Assert.Null(first.LastDrill);

        Clock.Advance(TimeSpan.FromDays(1));
        var drilled = AwaitStatus(scheduler, s => s.LastDrill is not null);

        Assert.True(drilled.LastDrill!.Ok, drilled.LastDrill.Error);
        Assert.Equal(first.LastSuccess!.Id, drilled.LastDrill.BackupId);
        Assert.False(drilled.Degraded);
        Assert.Empty(Directory.EnumerateFiles(settings.TempDir));
    }

    [Fact]
    public void A_drill_against_a_corrupted_newest_backup_fails_and_degrades_the_state()
    {
        _blog.AddPosts(4);
        var settings = _settings with { DrillInterval = TimeSpan.FromDays(1) };
        var scheduler = StartScheduler(settings);
        var first = AwaitStatus(scheduler, s => s.LastSuccess is not null && !s.InFlight);
        var data = Directory.EnumerateFiles(settings.FilePath, "*" + BackupNaming.DataSuffix, SearchOption.AllDirectories).Single();
        var bytes = File.ReadAllBytes(data);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(data, bytes);

        Clock.Advance(TimeSpan.FromDays(1));
        var drilled = AwaitStatus(scheduler, s => s.LastDrill is not null);

        Assert.False(drilled.LastDrill!.Ok);
        Assert.Equal(first.LastSuccess!.Id, drilled.LastDrill.BackupId);
        Assert.False(string.IsNullOrEmpty(drilled.LastDrill.Error));
        Assert.True(drilled.Degraded);
        Assert.Equal(0, drilled.ConsecutiveFailures); // the backups themselves still work; the drill is what failed
        Assert.Empty(Directory.EnumerateFiles(settings.TempDir));
    }

    [Fact]
    public void A_changed_target_starts_its_schedule_afresh_and_never_shows_the_old_targets_backup()
    {
        _blog.AddPosts(2);
        var scheduler = StartScheduler();
        var old = AwaitStatus(scheduler, s => s.LastSuccess is not null && !s.InFlight);
        Stop(scheduler);

        Clock.Advance(TimeSpan.FromMinutes(10));
        var moved = _settings with { FilePath = _dir.File("other-backups") };
        var restarted = StartScheduler(moved, "scheduler-moved");
        var fresh = Status(restarted);

        Assert.Null(fresh.LastSuccess); // that backup is in the old folder, not in this one
        Assert.Equal(Clock.Now, fresh.NextDueAt); // due now, not an interval after a backup this target never got
        var first = AwaitStatus(restarted, s => s.LastTick?.Result == TickResult.Uploaded);
        Assert.NotEqual(old.LastSuccess!.Id, first.LastSuccess!.Id);
        Assert.Equal(1, StoredBackups(moved));

        // The choice is journalled: the same target again keeps its history and its schedule.
        Stop(restarted);
        var again = Status(StartScheduler(moved, "scheduler-moved-again"));
        Assert.Equal(first.LastSuccess, again.LastSuccess);
        Assert.Equal(first.LastSuccess.At + Interval, again.NextDueAt);
    }

    [Fact]
    public void The_state_lists_the_warnings_found_at_start()
    {
        var scheduler = StartScheduler(); // backups beside the database, in one temp folder: one disk
        var state = Status(scheduler);

        var warning = Assert.Single(state.Warnings);
        Assert.Contains(_settings.FilePath, warning);
        Assert.False(state.Degraded); // a risk to point out, not a failure
    }

    private void Stop(IActorRef scheduler)
    {
        Watch(scheduler);
        Sys.Stop(scheduler);
        ExpectTerminated(scheduler);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
