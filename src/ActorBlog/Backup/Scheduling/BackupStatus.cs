namespace ActorBlog.Backup.Scheduling;

/// <summary>The backup state of the contract, as <c>GET /api/backups/status</c> and <c>/healthz</c> show it.</summary>
public sealed record BackupStatus(
    bool Enabled,
    string Target,
    string Interval,
    bool InFlight,
    BackupStatus.Attempt? Current,
    BackupStatus.Success? LastSuccess,
    BackupStatus.Failure? LastFailure,
    int ConsecutiveFailures,
    DateTimeOffset? NextDueAt,
    BackupStatus.Tick? LastTick,
    BackupStatus.Drill? LastDrill)
{
    /// <summary>Continuous replication (section 7), filled in by the API from the replication monitor.</summary>
    public ActorBlog.Backup.Replication.ReplicationState? Replication { get; init; }

    /// <summary>Backups fail, the last restore drill did, or shipping changes does: the blog still serves, but someone should look.</summary>
    public bool Degraded => ConsecutiveFailures > 0 || LastDrill is { Ok: false } || Replication is { Failing: true };

    public sealed record Attempt(string Id, DateTimeOffset StartedAt, bool Requested);

    public sealed record Success(string Id, DateTimeOffset At, long Bytes);

    public sealed record Failure(string Id, DateTimeOffset At, string Error);

    /// <param name="Result"><c>uploaded</c>, <c>unchanged</c> or <c>failed</c>.</param>
    public sealed record Tick(DateTimeOffset At, string Result);

    public sealed record Drill(DateTimeOffset At, string? BackupId, bool Ok, long DurationMs, string? Error);
}
