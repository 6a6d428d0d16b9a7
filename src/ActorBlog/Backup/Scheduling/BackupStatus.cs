using System.Text.Json.Serialization;

namespace ActorBlog.Backup.Scheduling;

/// <summary>
/// The backup state of the contract, as <c>GET /api/backups/status</c> and <c>/healthz</c> show it.
/// Its success, failure and drill are the very records the journal keeps, so the two cannot drift.
/// </summary>
/// <param name="Warnings">Standing risks to the backups that are not failures (e.g. kept on the database's own disk).</param>
public sealed record BackupStatus(
    bool Enabled,
    string Target,
    string Interval,
    bool InFlight,
    BackupStatus.Attempt? Current,
    BackupSuccess? LastSuccess,
    BackupFailure? LastFailure,
    int ConsecutiveFailures,
    DateTimeOffset? NextDueAt,
    BackupStatus.Tick? LastTick,
    DrillOutcome? LastDrill,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Continuous replication (section 7), filled in by the API from the replication monitor.</summary>
    public ActorBlog.Backup.Replication.ReplicationState? Replication { get; init; }

    /// <summary>Backups fail, the last restore drill did, or shipping changes does: the blog still serves, but someone should look.</summary>
    public bool Degraded => ConsecutiveFailures > 0 || LastDrill is { Ok: false } || Replication is { Failing: true };

    public sealed record Attempt(string Id, DateTimeOffset StartedAt, bool Requested);

    /// <summary>How the last backup attempt, scheduled or requested, ended.</summary>
    public sealed record Tick(DateTimeOffset At, TickResult Result);
}

/// <summary>The contract's <c>lastTick.result</c>; the JSON names are the contract's, lower case.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TickResult>))]
public enum TickResult
{
    [JsonStringEnumMemberName("uploaded")] Uploaded,
    [JsonStringEnumMemberName("unchanged")] Unchanged,
    [JsonStringEnumMemberName("failed")] Failed,
}
