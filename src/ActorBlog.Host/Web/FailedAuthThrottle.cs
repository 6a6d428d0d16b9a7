using System.Collections.Concurrent;
using System.Net;

namespace ActorBlog.Host.Web;

/// <summary>
/// Slows token guessing: after <see cref="MaxFailures"/> bad tokens from one address within
/// <see cref="Window"/>, that address gets 429 until the window ends, whatever it sends, so a held-back
/// address cannot tell a right guess from a wrong one. It holds back that address alone: a stranger
/// cannot lock the author out from elsewhere (behind a proxy, <see cref="ClientAddress"/> gives each
/// visitor its own address), and the token (at least <see cref="AuthorToken.MinLength"/> characters)
/// is what makes guessing hopeless, not this. A good token does not reset the count, so interleaving
/// one known token does not buy an attacker more guesses. Any sign-in (bearer token, desk form) uses it.
/// </summary>
public sealed class FailedAuthThrottle(TimeProvider clock)
{
    public const int MaxFailures = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int MaxTrackedAddresses = 10_000;

    private sealed record Entry(DateTimeOffset WindowStart, int Failures);

    private readonly ConcurrentDictionary<IPAddress, Entry> _entries = new();

    /// <summary>How long <paramref name="address"/> must wait, or null when it may try.</summary>
    public TimeSpan? RetryAfter(IPAddress? address)
    {
        if (address is null || !_entries.TryGetValue(address, out var entry)) return null;
        var remaining = entry.WindowStart + Window - clock.GetUtcNow();
        return entry.Failures >= MaxFailures && remaining > TimeSpan.Zero ? remaining : null;
    }

    public void RecordFailure(IPAddress? address)
    {
        if (address is null) return;
        var now = clock.GetUtcNow();
        if (_entries.Count >= MaxTrackedAddresses) Prune(now);
        _entries.AddOrUpdate(address, _ => new Entry(now, 1),
            (_, e) => now - e.WindowStart >= Window ? new Entry(now, 1) : e with { Failures = e.Failures + 1 });
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (address, entry) in _entries)
            if (now - entry.WindowStart >= Window) _entries.TryRemove(address, out _);
    }
}
