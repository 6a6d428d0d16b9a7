using ActorBlog.Posts;

namespace ActorBlog.Backup.Replication;

/// <summary>
/// Sync mode's promise, kept between the replication actor and the writer: a waiter for revision r
/// is released once the target can restore r (<see cref="Advance"/>): a base backup plus an unbroken
/// run of change objects holds it. A waiter is never failed here: a write whose change was dropped
/// is released by the next base, which holds it; until then the API's write-timeout answers 503.
/// Thread-safe; one task per waited revision.
/// </summary>
public sealed class ShipGate : ICommitGate
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<long, TaskCompletionSource> _waiters = [];
    private long _durable = long.MinValue;

    public Task WhenDurable(long revision)
    {
        lock (_lock)
        {
            if (revision <= _durable) return Task.CompletedTask;
            if (!_waiters.TryGetValue(revision, out var waiter))
                _waiters[revision] = waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return waiter.Task;
        }
    }

    /// <summary>Every revision up to <paramref name="revision"/> is stored and restorable.</summary>
    public void Advance(long revision)
    {
        List<TaskCompletionSource> released = [];
        lock (_lock)
        {
            _durable = Math.Max(_durable, revision);
            foreach (var (r, waiter) in _waiters)
            {
                if (r > revision) break;
                released.Add(waiter);
            }
            foreach (var r in _waiters.Keys.Where(r => r <= revision).ToList()) _waiters.Remove(r);
        }
        foreach (var waiter in released) waiter.TrySetResult();
    }

    public int Waiting
    {
        get
        {
            lock (_lock) return _waiters.Count;
        }
    }
}
