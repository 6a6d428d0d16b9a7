using ActorBlog.Backup.Format;

namespace ActorBlog.Backup.Replication;

/// <summary>
/// Which change objects no kept backup needs. Pure; run right after backup retention, on what it kept.
/// A kept backup of lineage L at revision r needs every object of L that reaches past r, so an
/// object of L goes only once it ends at or before the oldest kept revision of L. A lineage with no
/// kept backup may be one whose base is still being taken (a writer just opened), so its objects go
/// only once their last commit is older than the newest kept backup: a base taken later than that
/// holds them anyway.
/// </summary>
public static class ChangeRetention
{
    public static IReadOnlyList<ChangeKey> SelectForDeletion(IReadOnlyList<BackupManifest> keptBackups, IReadOnlyList<ChangeKey> changes)
    {
        if (keptBackups.Count == 0) return [];
        var oldestKeptRevision = keptBackups.Where(b => b.Lineage is not null)
            .GroupBy(b => b.Lineage!)
            .ToDictionary(g => g.Key, g => g.Min(b => b.Revision));
        var newestKept = keptBackups.Max(b => b.CreatedAt);
        return changes.Where(c => oldestKeptRevision.TryGetValue(c.Lineage, out var needed)
                ? c.To <= needed
                : c.LastCommit < newestKept)
            .ToList();
    }
}
