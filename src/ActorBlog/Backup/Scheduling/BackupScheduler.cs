using ActorBlog.Backup.Restore;
using ActorBlog.Backup.Snapshot;
using ActorBlog.Backup.Upload;
using ActorBlog.Configuration;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorBlog.Backup.Scheduling;

/// <summary>
/// Decides when a backup is taken and keeps the backup state. Its journal (in its own SQLite file,
/// never blog.db) records every attempt and every verified backup, so the schedule survives
/// restarts. Each backup is two steps, each in its own supervised child: the SnapshotActor
/// stages a consistent, encoded copy and the UploadActor stores and verifies it. Retention runs
/// only after a verified backup.
/// </summary>
public sealed class BackupScheduler : ReceivePersistentActor, IWithTimers
{
    /// <summary>Take a backup now, changed or not; answered with <see cref="BackupAccepted"/>.</summary>
    public sealed record BackupNow
    {
        public static readonly BackupNow Instance = new();
    }

    public sealed record BackupAccepted(string Id);

    /// <summary>Answered with <see cref="BackupStatus"/>.</summary>
    public sealed record GetStatus
    {
        public static readonly GetStatus Instance = new();
    }

    /// <summary>What a supervised step answers while it waits to be restarted.</summary>
    public sealed record StepUnavailable(string Step);

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed record StepTimedOut(string Id);

    /// <summary>The children's blueprints, so tests can give the scheduler real steps over temp directories.</summary>
    public sealed record Steps(Props Snapshot, Props Upload, Props? Drill = null);

    private const string DueTimer = "due";
    private const string StepTimer = "step-timeout";
    private const string DrillTimer = "drill";
    private const int SnapshotEvery = 100;

    private readonly BackupSettings _settings;
    private readonly Steps _steps;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private BackupHistory _history = BackupHistory.Empty;
    private IActorRef _snapshot = ActorRefs.Nobody;
    private IActorRef _upload = ActorRefs.Nobody;
    private IActorRef? _drill;
    private BackupStatus.Attempt? _current;
    private string? _staged; // the current attempt's encoded file, once the snapshot step made it
    private string? _pendingRequestId;
    private BackupStatus.Tick? _lastTick;
    private DateTimeOffset? _lastUnchangedTick;
    private string? _lastLoggedError;

    public BackupScheduler(BackupSettings settings, Steps steps)
    {
        _settings = settings;
        _steps = steps;

        Recover<IBackupEvent>(e => _history = _history.Apply(e));
        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is BackupHistory history) _history = history;
        });

        Command<Tick>(_ =>
        {
            if (_current is null) Start(NewId(), requested: false);
        });
        Command<BackupNow>(_ =>
        {
            if (_current is null)
            {
                var id = NewId();
                Start(id, requested: true);
                Sender.Tell(new BackupAccepted(id));
            }
            else
            {
                // One backup is running; the request gets the next one, which starts as soon as it ends.
                _pendingRequestId ??= NewId();
                Sender.Tell(new BackupAccepted(_pendingRequestId));
            }
        });
        Command<GetStatus>(_ => Sender.Tell(Status()));

        Command<SnapshotActor.SnapshotUnchanged>(u => IfCurrent(u.Id, () =>
        {
            _lastUnchangedTick = Now;
            Finish(new BackupStatus.Tick(Now, "unchanged"));
        }));
        Command<SnapshotActor.SnapshotTaken>(t =>
        {
            if (_current?.Id == t.Backup.Manifest.Id)
            {
                _staged = t.Backup.EncodedPath;
                _upload.Tell(new UploadActor.Upload(t.Backup));
            }
            else
            {
                TempFiles.DeleteQuietly(t.Backup.EncodedPath); // a late answer to an attempt that already timed out
            }
        });
        Command<UploadActor.Uploaded>(u => IfCurrent(u.Manifest.Id, () =>
        {
            var m = u.Manifest;
            Persist(new BackupVerified(m.Id, Now, m.Revision, m.StoredBytes), e =>
            {
                Apply(e);
                if (_history.ConsecutiveFailures == 0 && _lastLoggedError is not null)
                    _log.Info("Backups work again: {0} is verified", m.Id);
                _lastLoggedError = null;
                _log.Info("Backup {0} verified: revision {1}, {2} posts, {3} bytes stored in {4}",
                    m.Id, m.Revision, m.PostCount, m.StoredBytes, _settings.TargetName);
                _upload.Tell(new UploadActor.ApplyRetention(_settings.Retention.Rules()));
                if (!Timers.IsTimerActive(DrillTimer)) ScheduleDrill();
                Finish(new BackupStatus.Tick(Now, "uploaded"));
            });
        }));
        Command<SnapshotActor.SnapshotFailed>(f => IfCurrent(f.Id, () => Fail($"snapshot failed: {f.Error}")));
        Command<UploadActor.UploadFailed>(f => IfCurrent(f.Id, () => Fail($"upload failed: {f.Error}")));
        Command<StepUnavailable>(u =>
        {
            // A step that is still backing off after a failure fails this attempt for the same reason:
            // report that cause, so the state stays useful and a long outage stays one log line.
            var error = _history.LastFailure?.Error ?? $"the {u.Step} step is restarting after a failure";
            if (u.Step == "drill") Self.Tell(new DrillOutcome(Now, null, false, 0, "the drill step is restarting after a failure"));
            else if (_current is not null) Fail(error);
        });
        Command<StepTimedOut>(t => IfCurrent(t.Id, () => Fail($"no answer within {_settings.StepTimeout}")));

        Command<UploadActor.RetentionApplied>(r =>
        {
            if (r.DeletedIds.Count > 0) _log.Info("Retention removed {0} backup(s): {1}", r.DeletedIds.Count, string.Join(", ", r.DeletedIds));
        });
        Command<UploadActor.RetentionFailed>(r => _log.Warning("Retention could not run: {0}", r.Error));
        Command<RestoreDrillActor.RunDrill>(run => _drill?.Tell(run));
        Command<DrillOutcome>(d => Persist(new DrillRecorded(d), e =>
        {
            Apply(e);
            if (d.Ok) _log.Info("Restore drill of {0} passed in {1} ms", d.BackupId, d.DurationMs);
            else _log.Error("Restore drill of {0} FAILED: {1}. The newest backup may not restore; backups are degraded until a drill passes", d.BackupId ?? "(none)", d.Error);
            ScheduleDrill();
        }));

        Command<SaveSnapshotSuccess>(s => DeleteMessages(s.Metadata.SequenceNr));
        Command<SaveSnapshotFailure>(f => _log.Warning("Could not save the scheduler's snapshot: {0}", f.Cause.Message));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.Warning("Could not trim the scheduler's journal: {0}", f.Cause.Message));
    }

    public static Props Props(BackupSettings settings, Steps steps) => Akka.Actor.Props.Create(() => new BackupScheduler(settings, steps));

    public override string PersistenceId => "backup-scheduler";

    public ITimerScheduler Timers { get; set; } = null!;

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    protected override void PreStart()
    {
        var s = _settings.Supervision;
        _snapshot = Context.ActorOf(BackupSupervision.Supervise(_steps.Snapshot, "snapshot", s, new StepUnavailable("snapshot")), "snapshot-supervisor");
        _upload = Context.ActorOf(BackupSupervision.Supervise(_steps.Upload, "upload", s, new StepUnavailable("upload")), "upload-supervisor");
        if (_steps.Drill is not null)
            _drill = Context.ActorOf(BackupSupervision.Supervise(_steps.Drill, "drill", s, new StepUnavailable("drill")), "drill-supervisor");
        base.PreStart();
    }

    protected override void OnReplaySuccess()
    {
        Context.System.EventStream.Publish(_history); // metrics start from the journal, not from zero
        _log.Info("Backup schedule recovered: last verified backup {0}, {1} failure(s) since",
            _history.LastSuccess?.Id ?? "none", _history.ConsecutiveFailures);
        ScheduleNext();
        ScheduleDrill();
    }

    private void Start(string id, bool requested)
    {
        _current = new BackupStatus.Attempt(id, Now, requested);
        Persist(new BackupAttempted(id, Now, requested), e =>
        {
            Apply(e);
            var unless = requested ? null : _history.LastSuccess?.Revision;
            _snapshot.Tell(new SnapshotActor.TakeSnapshot(id, Now, unless));
            Timers.StartSingleTimer(StepTimer, new StepTimedOut(id), _settings.StepTimeout);
        });
    }

    private void Fail(string error)
    {
        var id = _current!.Id;
        Persist(new BackupFailed(id, Now, error), e =>
        {
            Apply(e);
            var n = _history.ConsecutiveFailures;
            if (FailureLog.ShouldLog(n, error, _lastLoggedError))
                _log.Error("Backup {0} failed ({1} in a row; retrying with backoff, the blog keeps serving): {2}", id, n, error);
            _lastLoggedError = error;
            Finish(new BackupStatus.Tick(Now, "failed"));
        });
    }

    private void Finish(BackupStatus.Tick tick)
    {
        Timers.Cancel(StepTimer);
        // Usually the upload step has removed it already; not when it never got the message (restarting, timed out).
        TempFiles.DeleteQuietly(_staged);
        _staged = null;
        _current = null;
        _lastTick = tick;
        if (_pendingRequestId is { } pending)
        {
            _pendingRequestId = null;
            Start(pending, requested: true);
            return;
        }
        ScheduleNext();
    }

    private void ScheduleNext()
    {
        if (!_settings.Enabled) return;
        var delay = NextDueAt() - Now;
        Timers.StartSingleTimer(DueTimer, Tick.Instance, delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
    }

    /// <summary>Drills run one drill interval after the last drill, or after the first verified backup.</summary>
    private void ScheduleDrill()
    {
        if (_drill is null || _settings.DrillInterval is not { } every) return;
        if ((_history.LastDrill?.At ?? _history.LastSuccess?.At) is not { } basis) return;
        var delay = basis + every - Now;
        Timers.StartSingleTimer(DrillTimer, RestoreDrillActor.RunDrill.Instance, delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
    }

    private DateTimeOffset NextDueAt() =>
        _history.NextDueAt(_settings.Interval, _settings.Supervision, _lastUnchangedTick, Now);

    private void Apply(IBackupEvent e)
    {
        _history = _history.Apply(e);
        Context.System.EventStream.Publish(e); // once journaled: metrics and the heartbeat listen
        if (_history.EventCount % SnapshotEvery == 0) SaveSnapshot(_history);
    }

    private void IfCurrent(string id, Action action)
    {
        if (_current?.Id == id) action();
    }

    private string NewId() => BackupNaming.NewId(Now);

    private BackupStatus Status()
    {
        var h = _history;
        return new BackupStatus(
            _settings.Enabled,
            _settings.TargetName,
            Durations.Format(_settings.Interval),
            _current is not null,
            _current,
            h.LastSuccess is { } s ? new BackupStatus.Success(s.Id, s.At, s.Bytes) : null,
            h.LastFailure is { } f ? new BackupStatus.Failure(f.Id, f.At, f.Error) : null,
            h.ConsecutiveFailures,
            _settings.Enabled ? NextDueAt() : null,
            _lastTick,
            h.LastDrill is { } d ? new BackupStatus.Drill(d.At, d.BackupId, d.Ok, d.DurationMs, d.Error) : null);
    }
}
