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
/// only after a verified backup. The history belongs to one target: when the configured target
/// changes, the schedule starts afresh, so the state never shows a backup the target does not hold.
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
    public sealed record StepUnavailable(BackupStep Step);

    /// <summary>The children's blueprints, so tests can give the scheduler real steps over temp directories.</summary>
    public sealed record Steps(Props Snapshot, Props Upload, Props? Drill = null);

    /// <summary>A scheduled backup is due (the due timer fired).</summary>
    private sealed record BackupDue
    {
        public static readonly BackupDue Instance = new();
    }

    private sealed record StepTimedOut(string Id);

    /// <summary>An event already applied to the state, still to be written to the journal.</summary>
    private sealed record Record(IBackupEvent Event);

    private const string DueTimer = "due";
    private const string StepTimer = "step-timeout";
    private const string DrillTimer = "drill";
    private const int SnapshotEvery = 100;

    private readonly BackupSettings _settings;
    private readonly Steps _steps;
    private readonly IReadOnlyList<string> _warnings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private BackupHistory _history = BackupHistory.Empty;
    private IActorRef _snapshot = ActorRefs.Nobody;
    private IActorRef _upload = ActorRefs.Nobody;
    private IActorRef? _drill;
    private BackupStatus.Attempt? _current;
    private string? _staged; // the current attempt's staged snapshot, once the snapshot step made it
    private string? _pendingRequestId;
    private BackupStatus.Tick? _lastTick;
    private DateTimeOffset? _lastUnchangedTick;
    private string? _lastLoggedError;

    /// <param name="warnings">Standing risks found at start (see <see cref="BackupWarnings"/>), shown in the state.</param>
    public BackupScheduler(BackupSettings settings, Steps steps, IReadOnlyList<string>? warnings = null)
    {
        _settings = settings;
        _steps = steps;
        _warnings = warnings ?? [];

        Recover<IBackupEvent>(e => _history = _history.Apply(e));
        Recover<SnapshotOffer>(RecoverSnapshot);

        Command<BackupDue>(_ => OnBackupDue());
        Command<BackupNow>(_ => OnBackupNow());
        Command<GetStatus>(_ => Sender.Tell(Status()));

        Command<SnapshotActor.SnapshotUnchanged>(OnSnapshotUnchanged);
        Command<SnapshotActor.SnapshotTaken>(OnSnapshotTaken);
        Command<SnapshotActor.SnapshotFailed>(f => IfCurrent(f.Id, () => Fail($"snapshot failed: {f.Error}")));
        Command<UploadActor.Uploaded>(OnUploaded);
        Command<UploadActor.UploadFailed>(f => IfCurrent(f.Id, () => Fail($"upload failed: {f.Error}")));
        Command<StepUnavailable>(OnStepUnavailable);
        Command<StepTimedOut>(OnStepTimedOut);

        Command<UploadActor.RetentionApplied>(OnRetentionApplied);
        Command<UploadActor.RetentionFailed>(r => _log.Warning("Retention could not run: {0}", r.Error));

        Command<RestoreDrillActor.RunDrill>(run => _drill?.Tell(run));
        Command<DrillOutcome>(OnDrillOutcome);

        Command<Record>(r => Persist(r.Event, _ => { }));
        Command<SaveSnapshotSuccess>(s => DeleteMessages(s.Metadata.SequenceNr));
        Command<SaveSnapshotFailure>(f => _log.Warning("Could not save the scheduler's snapshot: {0}", f.Cause.Message));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.Warning("Could not trim the scheduler's journal: {0}", f.Cause.Message));
    }

    public static Props Props(BackupSettings settings, Steps steps, IReadOnlyList<string>? warnings = null) =>
        Akka.Actor.Props.Create(() => new BackupScheduler(settings, steps, warnings));

    public override string PersistenceId => "backup-scheduler";

    public ITimerScheduler Timers { get; set; } = null!;

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    protected override void PreStart()
    {
        var s = _settings.Supervision;
        _snapshot = Context.ActorOf(Supervised(_steps.Snapshot, BackupStep.Snapshot), "snapshot-supervisor");
        _upload = Context.ActorOf(Supervised(_steps.Upload, BackupStep.Upload), "upload-supervisor");
        if (_steps.Drill is not null) _drill = Context.ActorOf(Supervised(_steps.Drill, BackupStep.Drill), "drill-supervisor");
        base.PreStart();

        Props Supervised(Props step, BackupStep name) =>
            BackupSupervision.Supervise(step, ChildName(name), s, new StepUnavailable(name));
    }

    // --- recovery ---------------------------------------------------------------------------

    private void RecoverSnapshot(SnapshotOffer offer)
    {
        if (offer.Snapshot is BackupHistory history) _history = history;
    }

    protected override void OnReplaySuccess()
    {
        var target = _settings.TargetIdentity;
        if (_history.Target == target)
        {
            _log.Info("Backup schedule recovered: last verified backup {0}, {1} failure(s) since",
                _history.LastSuccess?.Id ?? "none", _history.ConsecutiveFailures);
        }
        else
        {
            // The journal describes another target (or none): its backups are not in this one. The
            // state forgets them now; the event is journalled as the first command (no Persist
            // while recovery completes).
            if (_history.EventCount > 0)
                _log.Info("Backup target is now {0} (the schedule knew {1}): its schedule starts afresh, first backup now",
                    target, _history.Target ?? "an unrecorded target");
            var chosen = new TargetChosen(target, Now);
            _history = _history.Apply(chosen);
            Self.Tell(new Record(chosen));
        }
        Context.System.EventStream.Publish(_history); // metrics start from the journal, not from zero
        ScheduleNext();
        ScheduleDrill();
    }

    // --- backups: due, requested, and each step's answer ------------------------------------

    private void OnBackupDue()
    {
        if (_current is null) Start(NewId(), requested: false);
    }

    private void OnBackupNow()
    {
        if (_current is null)
        {
            var id = NewId();
            Start(id, requested: true);
            Sender.Tell(new BackupAccepted(id));
            return;
        }
        // One backup is running; the request gets the next one, which starts as soon as it ends.
        _pendingRequestId ??= NewId();
        Sender.Tell(new BackupAccepted(_pendingRequestId));
    }

    private void OnSnapshotUnchanged(SnapshotActor.SnapshotUnchanged unchanged) => IfCurrent(unchanged.Id, () =>
    {
        _lastUnchangedTick = Now;
        Finish(TickResult.Unchanged);
    });

    private void OnSnapshotTaken(SnapshotActor.SnapshotTaken taken)
    {
        if (_current?.Id != taken.Backup.Id)
        {
            TempFiles.DeleteQuietly(taken.Backup.SnapshotPath); // a late answer to an attempt that already timed out
            return;
        }
        _staged = taken.Backup.SnapshotPath;
        _upload.Tell(new UploadActor.Upload(taken.Backup));
    }

    private void OnUploaded(UploadActor.Uploaded uploaded) => IfCurrent(uploaded.Manifest.Id, () =>
    {
        var m = uploaded.Manifest;
        Persist(new BackupVerified(m.Id, Now, m.Revision, m.StoredBytes), e =>
        {
            Apply(e);
            if (_lastLoggedError is not null) _log.Info("Backups work again: {0} is verified", m.Id);
            _lastLoggedError = null;
            _log.Info("Backup {0} verified: revision {1}, {2} posts, {3} bytes stored in {4}",
                m.Id, m.Revision, m.PostCount, m.StoredBytes, _settings.TargetName);
            _upload.Tell(new UploadActor.ApplyRetention(_settings.Retention));
            if (!Timers.IsTimerActive(DrillTimer)) ScheduleDrill();
            Finish(TickResult.Uploaded);
        });
    });

    private void OnStepUnavailable(StepUnavailable unavailable)
    {
        if (unavailable.Step == BackupStep.Drill)
        {
            Self.Tell(new DrillOutcome(Now, null, false, 0, "the drill step is restarting after a failure"));
            return;
        }
        // A step that is still backing off after a failure fails this attempt for the same reason:
        // report that cause, so the state stays useful and a long outage stays one log line.
        if (_current is not null)
            Fail(_history.LastFailure?.Error ?? $"the {ChildName(unavailable.Step)} step is restarting after a failure");
    }

    private void OnStepTimedOut(StepTimedOut timedOut) => IfCurrent(timedOut.Id, () =>
    {
        // Stop the step's work too, or a hung transfer would keep running beside the next attempt.
        // No sender: a step that is restarting must not answer into the next attempt.
        (_staged is null ? _snapshot : _upload).Tell(new CancelStep(timedOut.Id), ActorRefs.NoSender);
        Fail($"no answer within {_settings.StepTimeout}");
    });

    private void OnRetentionApplied(UploadActor.RetentionApplied applied)
    {
        if (applied.DeletedIds.Count > 0)
            _log.Info("Retention removed {0} backup(s): {1}", applied.DeletedIds.Count, string.Join(", ", applied.DeletedIds));
    }

    private void OnDrillOutcome(DrillOutcome outcome) => Persist(new DrillRecorded(outcome), e =>
    {
        Apply(e);
        if (outcome.Ok) _log.Info("Restore drill of {0} passed in {1} ms", outcome.BackupId, outcome.DurationMs);
        else _log.Error("Restore drill of {0} FAILED: {1}. The newest backup may not restore; backups are degraded until a drill passes",
            outcome.BackupId ?? "(none)", outcome.Error);
        ScheduleDrill();
    });

    // --- one attempt, start to finish -------------------------------------------------------

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
            Finish(TickResult.Failed);
        });
    }

    private void Finish(TickResult result)
    {
        Timers.Cancel(StepTimer);
        // Usually the upload step has removed it already; not when it never got the message (restarting, timed out).
        TempFiles.DeleteQuietly(_staged);
        _staged = null;
        _current = null;
        _lastTick = new BackupStatus.Tick(Now, result);
        if (_pendingRequestId is { } pending)
        {
            _pendingRequestId = null;
            Start(pending, requested: true);
            return;
        }
        ScheduleNext();
    }

    // --- timers and state -------------------------------------------------------------------

    private void ScheduleNext()
    {
        if (_settings.Enabled) StartTimer(DueTimer, BackupDue.Instance, NextDueAt());
    }

    private void ScheduleDrill()
    {
        if (_drill is not null && _history.NextDrillAt(_settings.DrillInterval) is { } due)
            StartTimer(DrillTimer, RestoreDrillActor.RunDrill.Instance, due);
    }

    private void StartTimer(string name, object message, DateTimeOffset due)
    {
        var delay = due - Now;
        Timers.StartSingleTimer(name, message, delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
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

    /// <summary>The child actor's name, and the word the logs and the state use.</summary>
    private static string ChildName(BackupStep step) => step.ToString().ToLowerInvariant();

    private BackupStatus Status() => new(
        _settings.Enabled,
        _settings.TargetName,
        Durations.Format(_settings.Interval),
        _current is not null,
        _current,
        _history.LastSuccess,
        _history.LastFailure,
        _history.ConsecutiveFailures,
        _settings.Enabled ? NextDueAt() : null,
        _lastTick,
        _history.LastDrill,
        _warnings);
}

/// <summary>The scheduler's supervised steps.</summary>
public enum BackupStep { Snapshot, Upload, Drill }
