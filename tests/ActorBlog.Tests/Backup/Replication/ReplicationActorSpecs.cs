using ActorBlog.Backup.Replication;
using ActorBlog.Backup.Scheduling;
using ActorBlog.Backup.Targets;
using ActorBlog.Configuration;
using ActorBlog.Tests.Infrastructure;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;

namespace ActorBlog.Tests.Backup.Replication;

/// <summary>The replication actor on virtual time: batching per mode, base backups, retry after a store failure, the memory bound.</summary>
public sealed class ReplicationActorSpecs : TestKit
{
    private const string Config = """akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit" """;
    private const string LineageId = "0123456789abcdef";
    private static readonly SupervisionSettings Backoff = new(10, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0);
    private readonly TempDirectory _dir = new();
    private readonly TestProbe _store;
    private readonly TestProbe _scheduler;
    private readonly ReplicationMonitor _monitor = new("async");
    private readonly ShipGate _gate = new();

    public ReplicationActorSpecs() : base(Config)
    {
        _store = CreateTestProbe("store");
        _scheduler = CreateTestProbe("scheduler");
    }

    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private sealed class ForwardTo : ReceiveActor
    {
        public ForwardTo(IActorRef target) => ReceiveAny(m => target.Forward(m));
    }

    private IActorRef Start(ReplicationMode mode, Props? uploader = null, long maxPendingBytes = 64L << 20)
    {
        var settings = new ReplicationSettings(mode, TimeSpan.FromSeconds(1), maxPendingBytes, 1000);
        var store = _store.Ref;
        var actor = Sys.ActorOf(ReplicationActor.Props(new ReplicationActor.Options(settings, Backoff,
            uploader ?? Props.Create(() => new ForwardTo(store)), _monitor, _gate)));
        actor.Tell(new ReplicationActor.BaseSource(_scheduler.Ref));
        return actor;
    }

    private CapturedTransaction Tx(long revision) =>
        new(LineageId, revision - 1, revision, Clock.Now, 4096, 2, [new WalPage(2, new byte[4096])]);

    /// <summary>Returns once the actor has handled everything sent to it so far (Identify is answered in mailbox order).</summary>
    private void Settled(IActorRef actor)
    {
        actor.Tell(new Identify(null));
        ExpectMsg<ActorIdentity>();
    }

    private void Send(IActorRef actor, params long[] revisions)
    {
        foreach (var r in revisions) actor.Tell(Tx(r));
        Settled(actor);
    }

    /// <summary>Answers the actor's request for a base, as the scheduler does once the backup is verified.</summary>
    private void BaseVerified(IActorRef actor)
    {
        Settled(actor);
        Clock.Advance(TimeSpan.Zero);
        NothingScheduled();
        _scheduler.ExpectMsg<BackupScheduler.BackupNow>();
        _scheduler.Reply(new BackupScheduler.BackupAccepted("20261201T100000000Z-aaaaaa"));
        Settled(actor);
        Clock.Advance(TimeSpan.FromSeconds(1));
        _scheduler.ExpectMsg<BackupScheduler.GetStatus>();
        _scheduler.Reply(new BackupStatus(true, "file", "1h", false, null,
            new BackupSuccess("20261201T100000000Z-aaaaaa", Clock.Now, Revision: 0, Bytes: 100), null, 0, null, null, null, Warnings: []));
        AwaitAssert(() => Assert.NotNull(_monitor.Current.ShippedRevision));
    }

    /// <summary>Answers the actor's first question: the scheduler is idle, its next backup an hour away.</summary>
    private void NothingScheduled()
    {
        _scheduler.ExpectMsg<BackupScheduler.GetStatus>();
        _scheduler.Reply(new BackupStatus(true, "file", "1h", false, null, null, null, 0, Clock.Now + TimeSpan.FromHours(1), null, null, Warnings: []));
    }

    private ChangeUploadActor.Ship Shipment(TimeSpan advance)
    {
        Clock.Advance(advance);
        return _store.ExpectMsg<ChangeUploadActor.Ship>();
    }

    [Fact]
    public void Async_mode_ships_once_per_interval_everything_committed_meanwhile_and_nothing_while_idle()
    {
        var actor = Start(ReplicationMode.Async);
        Send(actor, 1);
        BaseVerified(actor); // a second of virtual time: the lineage's first commit leaves meanwhile
        var lineageStart = _store.ExpectMsg<ChangeUploadActor.Ship>();
        Assert.Equal([1L], lineageStart.Batch.Select(t => t.Revision));
        actor.Tell(new ChangeUploadActor.Shipped(lineageStart.BatchId, Key(0, 1)));
        Send(actor, 2, 3);
        Clock.Advance(TimeSpan.FromMilliseconds(999));
        _store.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // the interval has not passed

        var first = Shipment(TimeSpan.FromMilliseconds(1));
        Assert.Equal([2L, 3], first.Batch.Select(t => t.Revision));
        Send(actor, 4, 5);
        Clock.Advance(TimeSpan.FromSeconds(5));
        _store.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // one upload in flight at a time
        actor.Tell(new ChangeUploadActor.Shipped(first.BatchId, Key(1, 3)));
        Settled(actor);

        var second = Shipment(TimeSpan.Zero); // they waited longer than the interval already
        Assert.Equal([4L, 5], second.Batch.Select(t => t.Revision));
        actor.Tell(new ChangeUploadActor.Shipped(second.BatchId, Key(3, 5)));
        AwaitAssert(() => Assert.Equal(5, _monitor.Current.ShippedRevision));
        Assert.Equal(0, _monitor.Current.PendingCommits);

        Clock.Advance(TimeSpan.FromHours(1));
        _store.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        _scheduler.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Sync_mode_ships_at_once_and_the_next_upload_carries_every_commit_that_arrived_while_one_was_in_flight()
    {
        var actor = Start(ReplicationMode.Sync);
        Send(actor, 1);
        var base1 = _store.ExpectMsg<ChangeUploadActor.Ship>();
        var durable = _gate.WhenDurable(1);
        actor.Tell(new ChangeUploadActor.Shipped(base1.BatchId, Key(0, 1)));
        _store.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.False(durable.IsCompleted, "stored, but no base backup holds the lineage yet");
        BaseVerified(actor);
        AwaitAssert(() => Assert.True(durable.IsCompletedSuccessfully));

        Send(actor, 2);
        var second = _store.ExpectMsg<ChangeUploadActor.Ship>();
        Assert.Equal([2L], second.Batch.Select(t => t.Revision));
        var waiting = new[] { 3L, 4, 5 }.Select(r =>
        {
            actor.Tell(Tx(r));
            return _gate.WhenDurable(r);
        }).ToList();
        _store.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        actor.Tell(new ChangeUploadActor.Shipped(second.BatchId, Key(1, 2)));

        var third = _store.ExpectMsg<ChangeUploadActor.Ship>();
        Assert.Equal([3L, 4, 5], third.Batch.Select(t => t.Revision));
        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        actor.Tell(new ChangeUploadActor.Shipped(third.BatchId, Key(2, 5)));
        AwaitAssert(() => Assert.All(waiting, w => Assert.True(w.IsCompletedSuccessfully)));
    }

    [Fact]
    public async Task A_failing_store_keeps_the_batch_reports_it_and_retries_with_backoff_until_it_is_stored()
    {
        // A real upload step over a folder target that cannot be written: its root is a file.
        var root = _dir.File("target");
        File.WriteAllText(root, "not a folder");
        var uploader = ChangeUploadActor.Props(new ChangeUploadActor.Options(
            () => new ChangeCatalog(new FileBackupTarget(root), ""), null, 3, Verify: true));
        var actor = Start(ReplicationMode.Async, uploader);
        actor.Tell(Tx(1));
        BaseVerified(actor);
        Send(actor, 2);
        Clock.Advance(TimeSpan.FromSeconds(1));
        AwaitAssert(() =>
        {
            Clock.Advance(TimeSpan.Zero);
            Assert.NotNull(_monitor.Current.LastError);
        }, TimeSpan.FromSeconds(20));
        Assert.Equal(2, _monitor.Current.PendingCommits);

        File.Delete(root); // the store is back
        AwaitAssert(() =>
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(2, _monitor.Current.ShippedRevision);
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50));
        Assert.Null(_monitor.Current.LastError);
        var stored = await new ChangeCatalog(new FileBackupTarget(root), "").ListAsync(null, CancellationToken.None);
        Assert.Equal(2, stored.Single().To); // one object, both commits: nothing lost, nothing shipped twice
        Assert.Equal(0, stored.Single().From);
    }

    [Fact]
    public void Past_the_memory_bound_the_waiting_commits_leave_the_stream_the_gap_is_reported_and_a_new_base_is_asked_for()
    {
        var actor = Start(ReplicationMode.Async, maxPendingBytes: 3 * 4200L);
        Send(actor, 1);
        BaseVerified(actor);
        var inFlight = _store.ExpectMsg<ChangeUploadActor.Ship>();
        Send(actor, 2, 3, 4, 5); // the store does not answer: they pile up past three

        Clock.Advance(TimeSpan.Zero);
        NothingScheduled(); // a hole: only a new base can cover it
        _scheduler.ExpectMsg<BackupScheduler.BackupNow>();
        AwaitAssert(() => Assert.Contains("were not shipped", _monitor.Current.LastError));
        actor.Tell(new ChangeUploadActor.Shipped(inFlight.BatchId, Key(0, 1)));
        Settled(actor);
        Clock.Advance(TimeSpan.FromSeconds(5));
        _store.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // nothing left to ship: the dropped commits are in blog.db and the next base
        Send(actor, 6);
        Assert.Equal([6L], Shipment(TimeSpan.FromSeconds(1)).Batch.Select(t => t.Revision));
    }

    [Fact]
    public void At_shutdown_a_flush_ships_what_waits_without_waiting_for_the_interval_and_answers_once_it_is_stored()
    {
        var actor = Start(ReplicationMode.Async);
        Send(actor, 1);
        BaseVerified(actor);
        var lineageStart = _store.ExpectMsg<ChangeUploadActor.Ship>();
        actor.Tell(new ChangeUploadActor.Shipped(lineageStart.BatchId, Key(0, 1)));
        Send(actor, 2);

        actor.Tell(ReplicationActor.Flush.Instance);

        var flushed = _store.ExpectMsg<ChangeUploadActor.Ship>(); // no virtual time passed
        Assert.Equal([2L], flushed.Batch.Select(t => t.Revision));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        actor.Tell(new ChangeUploadActor.Shipped(flushed.BatchId, Key(1, 2)));
        ExpectMsg<ReplicationActor.Flushed>();
    }

    [Fact]
    public void A_backup_the_scheduler_started_after_the_lineage_began_is_taken_as_its_base_instead_of_asking_for_another()
    {
        var actor = Start(ReplicationMode.Async);
        Send(actor, 1);
        Clock.Advance(TimeSpan.Zero);
        _scheduler.ExpectMsg<BackupScheduler.GetStatus>();
        var running = new BackupStatus.Attempt("20261201T100000001Z-bbbbbb", Clock.Now + TimeSpan.FromMilliseconds(5), Requested: false);
        _scheduler.Reply(new BackupStatus(true, "file", "1h", true, running, null, null, 0, null, null, null, Warnings: []));
        Settled(actor);
        Clock.Advance(TimeSpan.FromSeconds(1));
        _scheduler.ExpectMsg<BackupScheduler.GetStatus>();
        _scheduler.Reply(new BackupStatus(true, "file", "1h", false, null, new BackupSuccess(running.Id, Clock.Now, Revision: 0, Bytes: 1), null, 0, null, null, null, Warnings: []));

        AwaitAssert(() => Assert.Equal(1, _monitor.Current.ShippedRevision));
        Clock.Advance(TimeSpan.FromSeconds(5));
        _scheduler.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // no BackupNow, no more polling
    }

    private static ChangeKey Key(long from, long to) =>
        ChangeKey.For("", LineageId, from, to, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 100, new string('a', 64), false);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _dir.Dispose();
    }
}
