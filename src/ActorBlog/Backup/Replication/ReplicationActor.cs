using ActorBlog.Backup.Scheduling;
using ActorBlog.Configuration;
using Akka.Actor;
using Akka.Event;

namespace ActorBlog.Backup.Replication;

/// <summary>
/// Ships what the writer committed. Captured transactions wait here; in async mode a batch leaves
/// at most <c>interval</c> after its oldest commit, in sync mode at once; either way one upload is in
/// flight at a time and the next carries everything that arrived meanwhile (group commit). The
/// upload runs in a supervised child; a failure keeps the batch and retries with backoff, logged
/// once. A lineage becomes restorable only with a base: on its first commit (and after a hole in
/// the stream) the actor asks the scheduler for a backup and counts it once the scheduler reports
/// it verified. Only then does <see cref="ShipGate"/> release sync writes. While nothing is written
/// it sends nothing: no timer runs once the base is there and nothing waits.
/// </summary>
public sealed class ReplicationActor : ReceiveActor, IWithTimers
{
    /// <summary>The backup scheduler to ask for base backups (it is created after this actor).</summary>
    public sealed record BaseSource(IActorRef Scheduler);

    /// <summary>Ship what waits now, not at the interval; answered with <see cref="Flushed"/> once nothing waits. Sent at shutdown.</summary>
    public sealed record Flush
    {
        public static readonly Flush Instance = new();
    }

    public sealed record Flushed
    {
        public static readonly Flushed Instance = new();
    }

    public sealed record Options(ReplicationSettings Settings, SupervisionSettings Supervision, Props Uploader, ReplicationMonitor Monitor, ShipGate Gate);

    private sealed record FlushDue
    {
        public static readonly FlushDue Instance = new();
    }

    private sealed record CheckBase
    {
        public static readonly CheckBase Instance = new();
    }

    private const long MaxBatchBytes = 16L << 20;
    private const string FlushTimer = "flush";
    private const string BaseTimer = "base";
    private static readonly TimeSpan BasePoll = TimeSpan.FromSeconds(1);

    private readonly Options _options;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<CapturedTransaction> _pending = [];
    private IActorRef _uploader = ActorRefs.Nobody;
    private IActorRef? _scheduler;
    private long _pendingBytes;
    private IReadOnlyList<CapturedTransaction>? _inFlight;
    private long _batchId;
    private string? _lineage;
    private long _latestCaptured;
    private long _shippedTo = long.MinValue;
    private bool _baseReady;
    private string? _baseId;
    private long _baseCovers;
    private long _coversAtRequest;
    private DateTimeOffset _latestCapturedAt;
    private DateTimeOffset _baseAfter; // a base must start after this commit time to hold what needs it
    private long _baseNeededFor;       // ... and then holds at least this revision
    private DateTimeOffset _baseRetryAt = DateTimeOffset.MinValue;
    private long? _restorable;
    private DateTimeOffset? _restorableAt;
    private int _failures;
    private int _baseFailures;
    private string? _error;
    private string? _baseError;
    private string? _gap;
    private int _capturedWithoutBase;
    private DateTimeOffset? _firstWithoutBase;
    private string? _lastLogged;
    private readonly List<IActorRef> _flushRequests = [];

    public ReplicationActor(Options options)
    {
        _options = options;
        Receive<BaseSource>(source =>
        {
            _scheduler = source.Scheduler;
            if (!_baseReady && _lineage is not null) Timers.StartPeriodicTimer(BaseTimer, CheckBase.Instance, TimeSpan.Zero, BasePoll);
        });
        Receive<CapturedTransaction>(Captured);
        Receive<CaptureFailed>(failed => Hole($"commit {failed.Revision} could not be read from the WAL ({failed.Error})"));
        Receive<FlushDue>(_ => ShipNext());
        Receive<Flush>(_ =>
        {
            _flushRequests.Add(Sender);
            Timers.Cancel(FlushTimer);
            ShipNext();
            AnswerFlushes();
        });
        Receive<ChangeUploadActor.Shipped>(Shipped);
        Receive<ChangeUploadActor.ShipFailed>(f => UploadFailed(f.BatchId, f.Error));
        Receive<ChangeUploadActor.Unavailable>(_ => UploadFailed(_batchId, _error ?? "the upload step is restarting after a failure"));
        Receive<CheckBase>(_ => AskForBase());
        Receive<BackupScheduler.BackupAccepted>(accepted =>
        {
            if (_baseReady || _baseId is not null) return;
            _baseId = accepted.Id;
            _baseCovers = _coversAtRequest;
        });
        Receive<BackupStatus>(BaseProgress);
    }

    public static Props Props(Options options) => Akka.Actor.Props.Create(() => new ReplicationActor(options));

    public ITimerScheduler Timers { get; set; } = null!;

    private DateTimeOffset Now => Context.System.Scheduler.Now;

    private string Mode => _options.Settings.ModeName;

    protected override void PreStart()
    {
        _uploader = Context.ActorOf(BackupSupervision.Supervise(_options.Uploader, "change-upload", _options.Supervision,
            ChangeUploadActor.Unavailable.Instance), "change-upload-supervisor");
        Publish();
    }

    private void Captured(CapturedTransaction tx)
    {
        _latestCaptured = tx.Revision;
        _latestCapturedAt = tx.CommittedAt;
        if (tx.Lineage != _lineage)
        {
            // A writer began a lineage: what it commits can be restored only from a base taken after that.
            _lineage = tx.Lineage;
            _shippedTo = long.MinValue;
            NeedBase();
        }
        if (!_baseReady)
        {
            _capturedWithoutBase++;
            _firstWithoutBase ??= tx.CommittedAt;
        }
        _pending.Add(tx);
        _pendingBytes += tx.Bytes;
        if (_pendingBytes > _options.Settings.MaxPendingBytes) Drop();
        ScheduleShipping();
        Publish();
    }

    private void ScheduleShipping()
    {
        if (_inFlight is not null || _pending.Count == 0 || Timers.IsTimerActive(FlushTimer)) return;
        if (_options.Settings.Mode == ReplicationMode.Sync && _failures == 0)
        {
            ShipNext();
            return;
        }
        var delay = _failures > 0
            ? BackupHistory.Backoff(_failures, _options.Supervision, _options.Supervision.MaxBackoff)
            : _pending[0].CommittedAt + _options.Settings.Interval - Now;
        Timers.StartSingleTimer(FlushTimer, FlushDue.Instance, delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
    }

    private void ShipNext()
    {
        if (_inFlight is not null || _pending.Count == 0) return;
        var lineage = _pending[0].Lineage;
        var pageSize = _pending[0].PageSize;
        var batch = new List<CapturedTransaction>();
        long bytes = 0;
        foreach (var tx in _pending)
        {
            if (tx.Lineage != lineage || tx.PageSize != pageSize || (batch.Count > 0 && bytes + tx.Bytes > MaxBatchBytes)) break;
            batch.Add(tx);
            bytes += tx.Bytes;
        }
        _pending.RemoveRange(0, batch.Count);
        _pendingBytes -= bytes;
        _inFlight = batch;
        _uploader.Tell(new ChangeUploadActor.Ship(++_batchId, batch));
    }

    private void Shipped(ChangeUploadActor.Shipped shipped)
    {
        if (shipped.BatchId != _batchId || _inFlight is null) return;
        var batch = _inFlight;
        _inFlight = null;
        if (batch[0].Lineage == _lineage) _shippedTo = batch[^1].Revision;
        if (_error is not null && _lastLogged is not null)
            _log.Info("Replication works again: {0} stored", shipped.Key.Key);
        _failures = 0;
        _error = null;
        _lastLogged = null;
        Advance();
        if (_flushRequests.Count > 0) ShipNext();
        ScheduleShipping();
        AnswerFlushes();
        Publish();
    }

    private void AnswerFlushes()
    {
        if (_pending.Count > 0 || _inFlight is not null) return;
        foreach (var requester in _flushRequests) requester.Tell(Flushed.Instance);
        _flushRequests.Clear();
    }

    private void UploadFailed(long batchId, string error)
    {
        if (batchId != _batchId || _inFlight is null) return;
        _pending.InsertRange(0, _inFlight);
        _pendingBytes += _inFlight.Sum(t => t.Bytes);
        _inFlight = null;
        _failures++;
        _error = error;
        if (FailureLog.ShouldLog(_failures, error, _lastLogged))
            _log.Error("Replication could not ship {0} commit(s) ({1} failure(s) in a row; retrying with backoff, writes are kept here): {2}",
                _pending.Count, _failures, error);
        _lastLogged = error;
        if (_pendingBytes > _options.Settings.MaxPendingBytes) Drop();
        ScheduleShipping();
        Publish();
    }

    /// <summary>
    /// The target has failed for longer than memory allows: the waiting commits leave the stream.
    /// They stay in blog.db; the next base holds them, so nothing becomes unrestorable for good.
    /// </summary>
    private void Drop()
    {
        if (_pending.Count == 0) return;
        var first = _pending[0];
        var last = _pending[^1];
        Hole($"{_pending.Count} commit(s), revisions {first.PreviousRevision + 1}..{last.Revision} ({first.CommittedAt:O}..{last.CommittedAt:O}), " +
             $"were not shipped: more than {_options.Settings.MaxPendingBytes >> 20} MiB waited while the target failed; a new base backup follows");
        _pending.Clear();
        _pendingBytes = 0;
        Timers.Cancel(FlushTimer);
    }

    private void Hole(string why)
    {
        _gap = why;
        _log.Warning("Replication stream interrupted: {0}", why);
        NeedBase();
        Publish();
    }

    /// <summary>Everything captured so far must be in the base: it has to start after the latest commit.</summary>
    private void NeedBase()
    {
        _baseAfter = _latestCapturedAt;
        _baseNeededFor = _latestCaptured;
        _baseReady = false;
        _baseId = null;
        _baseFailures = 0;
        _capturedWithoutBase = 0;
        _firstWithoutBase = null;
        _baseRetryAt = DateTimeOffset.MinValue;
        if (_scheduler is not null) Timers.StartPeriodicTimer(BaseTimer, CheckBase.Instance, TimeSpan.Zero, BasePoll);
    }

    private void AskForBase()
    {
        if (_baseReady || _scheduler is null)
        {
            Timers.Cancel(BaseTimer);
            return;
        }
        _scheduler.Tell(BackupScheduler.GetStatus.Instance);
    }

    /// <summary>
    /// Counts the base once the scheduler reports it verified. Before asking for one, uses a backup
    /// the scheduler is taking anyway (started after the lineage's first commit, or due at once),
    /// so a first start takes one backup, not two.
    /// </summary>
    private void BaseProgress(BackupStatus status)
    {
        if (_baseReady) return;
        if (_baseId is not { } id)
        {
            // A commit time is read after the commit, to the millisecond: a start a millisecond later surely follows it.
            if (status.Current is { } current && current.StartedAt >= _baseAfter + TimeSpan.FromMilliseconds(1))
            {
                _baseId = current.Id;
                _baseCovers = _baseNeededFor;
            }
            else if (status is { Enabled: true, InFlight: false, ConsecutiveFailures: 0, NextDueAt: { } due } && due <= Now + BasePoll * 2)
            {
                // The scheduler is about to take one: the next poll adopts it.
            }
            else if (Now >= _baseRetryAt)
            {
                // Asked again if no answer comes (the scheduler may be restarting).
                _baseRetryAt = Now + TimeSpan.FromSeconds(10);
                _coversAtRequest = _latestCaptured;
                _scheduler!.Tell(BackupScheduler.BackupNow.Instance);
            }
            return;
        }
        if (status.LastSuccess is { } s && string.CompareOrdinal(s.Id, id) >= 0)
        {
            _baseReady = true;
            _gap = null;
            _baseError = null;
            Timers.Cancel(BaseTimer);
            _log.Info("Replication base for lineage {0}: backup {1}", _lineage, s.Id);
            Advance();
            Publish();
        }
        else if (status.LastFailure is { } f && string.CompareOrdinal(f.Id, id) >= 0 && status.Current?.Id != id)
        {
            _baseId = null;
            _baseFailures++;
            _baseRetryAt = Now + BackupHistory.Backoff(_baseFailures, _options.Supervision, _options.Supervision.MaxBackoff);
            _baseError = $"no base backup yet: {f.Error}";
            Publish();
        }
    }

    /// <summary>What the target can restore now: the base and the unbroken run shipped after it.</summary>
    private void Advance()
    {
        if (!_baseReady) return;
        var restorable = Math.Max(_baseCovers, _shippedTo);
        if (_restorable == restorable) return;
        _restorable = restorable;
        _restorableAt = Now;
        _options.Gate.Advance(restorable);
    }

    private void Publish()
    {
        // Not yet restorable: what waits to be shipped, and, while a lineage has no base, all it committed.
        var waiting = _baseReady ? _pending.Count + (_inFlight?.Count ?? 0) : _capturedWithoutBase;
        var oldest = !_baseReady ? _firstWithoutBase
            : _inFlight is { Count: > 0 } f ? f[0].CommittedAt
            : _pending.Count > 0 ? _pending[0].CommittedAt : (DateTimeOffset?)null;
        _options.Monitor.Publish(new ReplicationState(Mode, _restorable, _restorableAt, 0, waiting, _gap ?? _error ?? _baseError), oldest);
    }
}
