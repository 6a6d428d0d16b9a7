using System.Globalization;
using ActorBlog.Backup.Format;

namespace ActorBlog.Backup.Retention;

/// <summary>
/// Decides which verified backups may go. Pure, so the scheduler only has to feed it the
/// listing after a successful backup; it is never asked after a failed one.
/// </summary>
public static class RetentionPolicy
{
    public static IReadOnlyList<BackupManifest> SelectForDeletion(IReadOnlyList<BackupManifest> verifiedBackups, RetentionRules rules) =>
        SelectForDeletion(verifiedBackups, m => m.CreatedAt, rules);

    /// <summary>
    /// Keeps the newest <c>KeepLast</c>; for each of the newest <c>KeepDaily</c> UTC days (ISO weeks,
    /// months) that hold a backup, the newest backup of that period; and always the newest backup.
    /// Returns everything else, in input order.
    /// </summary>
    public static IReadOnlyList<T> SelectForDeletion<T>(
        IReadOnlyList<T> verifiedBackups, Func<T, DateTimeOffset> createdAt, RetentionRules rules)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rules.KeepLast);
        ArgumentOutOfRangeException.ThrowIfNegative(rules.KeepDaily);
        ArgumentOutOfRangeException.ThrowIfNegative(rules.KeepWeekly);
        ArgumentOutOfRangeException.ThrowIfNegative(rules.KeepMonthly);
        if (verifiedBackups.Count == 0)
            return [];

        // Newest first; equal times keep their input order so the result is deterministic.
        var newestFirst = verifiedBackups
            .Select((backup, index) => (Index: index, Time: createdAt(backup).UtcDateTime))
            .OrderByDescending(b => b.Time)
            .ThenBy(b => b.Index)
            .ToList();

        var keep = new HashSet<int> { newestFirst[0].Index };
        foreach (var b in newestFirst.Take(rules.KeepLast))
            keep.Add(b.Index);
        KeepNewestPerPeriod(newestFirst, rules.KeepDaily, t => t.Year * 1000 + t.DayOfYear, keep);
        KeepNewestPerPeriod(newestFirst, rules.KeepWeekly, t => ISOWeek.GetYear(t) * 100 + ISOWeek.GetWeekOfYear(t), keep);
        KeepNewestPerPeriod(newestFirst, rules.KeepMonthly, t => t.Year * 100 + t.Month, keep);

        return verifiedBackups.Where((_, index) => !keep.Contains(index)).ToList();
    }

    private static void KeepNewestPerPeriod(
        List<(int Index, DateTime Time)> newestFirst, int periods, Func<DateTime, int> period, HashSet<int> keep)
    {
        int? current = null;
        var seen = 0;
        foreach (var b in newestFirst)
        {
            if (seen == periods)
                return;
            var p = period(b.Time);
            if (p == current)
                continue;
            current = p;
            seen++;
            keep.Add(b.Index);
        }
    }
}
