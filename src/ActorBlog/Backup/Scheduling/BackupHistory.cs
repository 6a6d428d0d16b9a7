using ActorBlog.Configuration;

namespace ActorBlog.Backup.Scheduling;

/// <summary>The newest verified backup, as the journal keeps it and the backup state shows it.</summary>
public sealed record BackupSuccess(string Id, DateTimeOffset At, long Revision, long Bytes);

/// <summary>The newest failed backup, as the journal keeps it and the backup state shows it.</summary>
public sealed record BackupFailure(string Id, DateTimeOffset At, string Error);

/// <summary>
/// The scheduler's memory, rebuilt from its journal, and the arithmetic of when the next backup
/// and the next drill are due. Pure: no actor, no clock; tested on its own.
/// </summary>
/// <param name="Target">The target this history describes; null in journals written before targets were recorded.</param>
public sealed record BackupHistory(
    BackupSuccess? LastSuccess,
    BackupFailure? LastFailure,
    int ConsecutiveFailures,
    DrillOutcome? LastDrill,
    long EventCount,
    string? Target = null)
{
    public static readonly BackupHistory Empty = new(null, null, 0, null, 0);

    public BackupHistory Apply(IBackupEvent e) => (e switch
    {
        BackupVerified v => this with { LastSuccess = new BackupSuccess(v.Id, v.At, v.Revision, v.StoredBytes), ConsecutiveFailures = 0 },
        BackupFailed f => this with { LastFailure = new BackupFailure(f.Id, f.At, f.Error), ConsecutiveFailures = ConsecutiveFailures + 1 },
        DrillRecorded d => this with { LastDrill = d.Outcome },
        TargetChosen t => Empty with { Target = t.Target, EventCount = EventCount },
        _ => this,
    }) with { EventCount = EventCount + 1 };

    /// <summary>
    /// When the next scheduled backup is due. After failures: the last failure plus an exponential
    /// backoff (min-backoff doubling, capped at max-backoff and at the interval). Otherwise: the
    /// last verified backup, or the last tick that found nothing changed, plus the interval. With
    /// no history at all: now. A time in the past means "as soon as possible".
    /// </summary>
    public DateTimeOffset NextDueAt(TimeSpan interval, SupervisionSettings backoff, DateTimeOffset? lastUnchangedTick, DateTimeOffset now)
    {
        if (ConsecutiveFailures > 0 && LastFailure is not null)
            return LastFailure.At + Backoff(ConsecutiveFailures, backoff, interval);
        var last = Max(LastSuccess?.At, lastUnchangedTick);
        return last is null ? now : last.Value + interval;
    }

    /// <summary>
    /// When the next restore drill is due: one drill interval after the last drill, or after the
    /// first verified backup when none ran yet. Null when drills are off or there is nothing to
    /// restore. A time in the past means "as soon as possible".
    /// </summary>
    public DateTimeOffset? NextDrillAt(TimeSpan? drillInterval) =>
        drillInterval is { } every && (LastDrill?.At ?? LastSuccess?.At) is { } basis ? basis + every : null;

    public static TimeSpan Backoff(int failures, SupervisionSettings s, TimeSpan interval)
    {
        var cap = s.MaxBackoff < interval ? s.MaxBackoff : interval;
        var factor = Math.Pow(2, Math.Min(failures - 1, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(s.MinBackoff.Ticks * factor, cap.Ticks));
        return delay < s.MinBackoff ? s.MinBackoff : delay;
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : (a > b ? a : b);
}
