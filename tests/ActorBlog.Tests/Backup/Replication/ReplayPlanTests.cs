using ActorBlog.Backup.Format;
using ActorBlog.Backup.Replication;
using ActorBlog.Backup.Restore;

namespace ActorBlog.Tests.Backup.Replication;

public sealed class ReplayPlanTests
{
    private const string L = "00000000000000aa";
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static ChangeKey K(long from, long to, int firstSecond, int lastSecond, char sha = 'a') =>
        ChangeKey.For("blog", L, from, to, T0.AddSeconds(firstSecond), T0.AddSeconds(lastSecond), 100, new string(sha, 64), encrypted: true);

    [Fact]
    public void A_key_round_trips_through_its_name_and_other_objects_are_not_taken_for_changes()
    {
        var key = K(41, 57, 1, 2);
        Assert.Equal(key, ChangeKey.TryParse(key.Key));
        Assert.StartsWith("blog/changes/00000000000000aa/0000000000000000041-0000000000000000057-", key.Key);
        Assert.Null(ChangeKey.TryParse("blog/2026/12/01/20261201T100000000Z-aaaaaa.manifest.json"));
        Assert.Null(ChangeKey.TryParse("blog/changes/00000000000000aa/.x.chg.123.tmp"));
        Assert.Null(ChangeKey.TryParse(key.Key.Replace("-0000000000000000057-", "-0000000000000000040-"))); // to before from
    }

    [Fact]
    public void The_chain_starts_at_the_object_holding_the_base_revision_and_skips_what_it_already_passed()
    {
        var keys = new[] { K(0, 5, 0, 1), K(5, 9, 2, 3), K(5, 9, 2, 3, 'b'), K(9, 12, 4, 5), K(12, 12, 6, 6) };
        var plan = ReplayPlan.From(keys, baseRevision: 7, until: null);
        Assert.Equal([keys[1], keys[3]], plan.Chain);
        Assert.Equal(12, plan.Reaches);
        Assert.Null(plan.HoleAfter);
    }

    [Fact]
    public void A_hole_stops_the_chain_and_is_reported_with_the_revision_before_it()
    {
        var plan = ReplayPlan.From([K(0, 5, 0, 1), K(8, 9, 4, 5)], baseRevision: 0, until: null);
        Assert.Single(plan.Chain);
        Assert.Equal(5, plan.HoleAfter);
    }

    [Fact]
    public void Until_a_time_takes_only_objects_that_begin_at_or_before_it_so_a_later_hole_does_not_matter()
    {
        var keys = new[] { K(0, 5, 0, 1), K(5, 9, 2, 3), K(20, 30, 9, 9) };
        var plan = ReplayPlan.From(keys, 0, until: T0.AddSeconds(2));
        Assert.Equal([keys[0], keys[1]], plan.Chain);
        Assert.Null(plan.HoleAfter);
    }

    [Fact]
    public void Retention_keeps_every_object_a_kept_backup_needs_and_deletes_the_ones_only_deleted_backups_needed()
    {
        static BackupManifest B(string lineage, long revision, int second) =>
            new(1, "id" + revision, T0.AddSeconds(second), revision, 0, 0, 0, "x", "zstd", false, "k") { Lineage = lineage };
        const string Other = "00000000000000bb";
        const string Waiting = "00000000000000cc";
        var kept = new[] { B(L, 9, 4), B(Other, 30, 40) };
        var changes = new[]
        {
            K(0, 5, 0, 1), K(5, 9, 2, 3),           // before the kept base of L: only older, deleted backups needed them
            K(9, 12, 5, 6), K(12, 20, 7, 8),        // after it: needed
            ChangeKey.For("blog", Waiting, 30, 31, T0.AddSeconds(10), T0.AddSeconds(11), 100, new string('c', 64), true), // no base, older than the newest backup
            ChangeKey.For("blog", Waiting, 31, 32, T0.AddSeconds(50), T0.AddSeconds(51), 100, new string('c', 64), true), // no base yet: may be the lineage being based now
        };

        var doomed = ChangeRetention.SelectForDeletion(kept, changes);

        Assert.Equal([changes[0], changes[1], changes[4]], doomed);
    }
}
