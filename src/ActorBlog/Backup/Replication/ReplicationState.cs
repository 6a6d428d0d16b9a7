using System.Text.Json.Serialization;

namespace ActorBlog.Backup.Replication;

/// <summary>
/// The replication state of the contract (<c>/api/backups/status</c> → <c>replication</c>), also what
/// metrics read. <see cref="ShippedRevision"/> is the newest revision a restore can bring back (a
/// base backup plus an unbroken run of change objects holds it); null until there is one.
/// </summary>
/// <param name="Mode"><c>off</c>, <c>async</c> or <c>sync</c>.</param>
/// <param name="LagMs">How long the oldest commit not yet shipped has waited; 0 when none waits.</param>
/// <param name="PendingCommits">Commits captured but not yet restorable from the target.</param>
/// <param name="LastError">Why shipping fails, while it does; null once it works.</param>
public sealed record ReplicationState(
    string Mode, long? ShippedRevision, DateTimeOffset? ShippedAt, long LagMs, int PendingCommits, string? LastError)
{
    public static ReplicationState Off => new("off", null, null, 0, 0, null);

    /// <summary>Shipping fails: <c>/healthz</c> says degraded.</summary>
    [JsonIgnore]
    public bool Failing => LastError is not null;
}

/// <summary>
/// The newest <see cref="ReplicationState"/>, published by the replication actor, read by anyone
/// (the API, <c>/healthz</c>, a metrics gauge) without asking it. The lag is computed at reading.
/// </summary>
public sealed class ReplicationMonitor(string mode, TimeProvider? clock = null)
{
    private sealed record Snapshot(ReplicationState State, DateTimeOffset? OldestWaiting);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private Snapshot _snapshot = new(ReplicationState.Off with { Mode = mode }, null);

    public ReplicationState Current
    {
        get
        {
            var s = Volatile.Read(ref _snapshot);
            return s.OldestWaiting is { } oldest
                ? s.State with { LagMs = Math.Max(0, (long)(_clock.GetUtcNow() - oldest).TotalMilliseconds) }
                : s.State;
        }
    }

    internal void Publish(ReplicationState state, DateTimeOffset? oldestWaiting) =>
        Volatile.Write(ref _snapshot, new Snapshot(state, oldestWaiting));
}
