using ActorBlog.Backup.Replication;

namespace ActorBlog.Backup.Restore;

/// <summary>
/// Which change objects continue a base backup, decided from their keys alone. Pure; tested on its own.
/// Starting at the base's revision, each next object must apply to the revision the previous one
/// reached (<c>from ≤ reached &lt; to</c>; an object the run already passed, such as the twin a retried
/// upload left, is skipped). The run stops at the first hole, or, with <c>until</c>, at the first
/// object whose first commit is after it.
/// </summary>
/// <param name="Chain">The objects to apply, in order.</param>
/// <param name="Reaches">The revision the chain ends at (the base's revision when it is empty).</param>
/// <param name="HoleAfter">Set when later objects exist that the chain cannot reach: changes after this revision are missing.</param>
public sealed record ReplayPlan(IReadOnlyList<ChangeKey> Chain, long Reaches, long? HoleAfter)
{
    /// <param name="lineageKeys">The change objects of the base's lineage, in any order.</param>
    public static ReplayPlan From(IReadOnlyList<ChangeKey> lineageKeys, long baseRevision, DateTimeOffset? until)
    {
        var chain = new List<ChangeKey>();
        var reached = baseRevision;
        foreach (var key in lineageKeys.OrderBy(k => k.From).ThenBy(k => k.To).ThenBy(k => k.Key, StringComparer.Ordinal))
        {
            if (key.To <= reached) continue;
            if (until is { } t && key.FirstCommit > t) break;
            if (key.From > reached) return new ReplayPlan(chain, reached, reached);
            chain.Add(key);
            reached = key.To;
        }
        return new ReplayPlan(chain, reached, null);
    }

    /// <summary>The object holding the commit that made <paramref name="revision"/>, or null when the lineage began at or after it.</summary>
    public static ChangeKey? Holding(IReadOnlyList<ChangeKey> lineageKeys, long revision) =>
        lineageKeys.Where(k => k.From < revision && revision <= k.To).OrderBy(k => k.To).FirstOrDefault();
}
