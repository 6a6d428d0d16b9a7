using System.Globalization;
using ActorBlog.Backup.Retention;

namespace ActorBlog.Tests.Backup.Retention;

public sealed class RetentionPolicyTests
{
    // name, backup times, rules (last, daily, weekly, monthly), the times expected to survive
    public static TheoryData<string, string[], int[], string[]> Cases => new()
    {
        { "one backup, no rules", ["2026-03-01T10:00Z"], [0, 0, 0, 0], ["2026-03-01T10:00Z"] },
        { "zeros keep only the newest",
            ["2026-03-01T10:00Z", "2026-03-03T10:00Z", "2026-03-02T10:00Z"], [0, 0, 0, 0], ["2026-03-03T10:00Z"] },
        { "all in one day, daily keeps one",
            ["2026-03-01T01:00Z", "2026-03-01T02:00Z", "2026-03-01T03:00Z", "2026-03-01T04:00Z"], [0, 3, 0, 0], ["2026-03-01T04:00Z"] },
        { "all in one day, keep-last keeps the newest n",
            ["2026-03-01T01:00Z", "2026-03-01T02:00Z", "2026-03-01T03:00Z", "2026-03-01T04:00Z"], [2, 7, 4, 12], ["2026-03-01T04:00Z", "2026-03-01T03:00Z"] },
        { "keep-last larger than the list keeps all",
            ["2026-03-01T01:00Z", "2026-03-02T02:00Z"], [10, 0, 0, 0], ["2026-03-01T01:00Z", "2026-03-02T02:00Z"] },
        { "day boundary is UTC midnight",
            ["2026-03-01T10:00Z", "2026-03-01T23:59:59Z", "2026-03-02T00:00:00Z"], [0, 2, 0, 0], ["2026-03-02T00:00:00Z", "2026-03-01T23:59:59Z"] },
        { "offsets are judged in UTC",
            ["2026-03-02T01:00+02:00", "2026-03-01T22:00Z", "2026-03-02T00:30Z"], [0, 2, 0, 0], ["2026-03-02T00:30Z", "2026-03-02T01:00+02:00"] },
        { "daily counts days that have backups, not calendar days",
            ["2026-03-10T10:00Z", "2026-03-05T10:00Z", "2026-02-20T10:00Z", "2026-02-19T10:00Z"], [0, 3, 0, 0], ["2026-03-10T10:00Z", "2026-03-05T10:00Z", "2026-02-20T10:00Z"] },
        { "iso week starts on monday",
            ["2026-01-05T08:00Z", "2026-01-04T20:00Z", "2026-01-03T10:00Z", "2025-12-28T10:00Z"], [0, 0, 2, 0], ["2026-01-05T08:00Z", "2026-01-04T20:00Z"] },
        { "iso week spans the new year",
            ["2026-01-03T10:00Z", "2025-12-30T10:00Z", "2025-12-28T10:00Z"], [0, 0, 2, 0], ["2026-01-03T10:00Z", "2025-12-28T10:00Z"] },
        { "month boundary",
            ["2026-01-03T10:00Z", "2025-12-31T23:59Z", "2025-12-30T10:00Z", "2025-11-30T10:00Z"], [0, 0, 0, 2], ["2026-01-03T10:00Z", "2025-12-31T23:59Z"] },
        { "rules overlap rather than add up",
            ["2026-03-01T10:00Z", "2026-02-28T10:00Z"], [1, 1, 1, 1], ["2026-03-01T10:00Z"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Keeps_what_the_rules_ask_for(string name, string[] times, int[] rules, string[] expectedKept)
    {
        var deleted = RetentionPolicy.SelectForDeletion(times, Parse, Rules(rules));

        var kept = times.Except(deleted).Order().ToList();
        Assert.True(expectedKept.Order().SequenceEqual(kept), $"{name}: kept [{string.Join(", ", kept)}]");
    }

    [Fact]
    public void A_mixed_history_keeps_last_daily_weekly_and_monthly()
    {
        // every 6 hours from 2026-01-01 to 2026-03-01T18:00 (a Sunday)
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var times = Enumerable.Range(0, 60 * 4).Select(i => start.AddHours(6 * i)).ToList();

        var deleted = RetentionPolicy.SelectForDeletion(times, t => t, new RetentionRules(2, 7, 4, 3));

        var kept = times.Except(deleted).Select(t => t.ToString("MM-dd'T'HH", CultureInfo.InvariantCulture)).Order();
        Assert.Equal(
            ["01-31T18", "02-08T18", "02-15T18", "02-22T18", "02-23T18", "02-24T18", "02-25T18", "02-26T18",
             "02-27T18", "02-28T18", "03-01T12", "03-01T18"],
            kept);
    }

    [Fact]
    public void Monthly_keeps_the_newest_of_each_month()
    {
        var start = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var times = Enumerable.Range(0, 105).Select(i => start.AddDays(i)).ToList(); // to 2026-04-15

        var deleted = RetentionPolicy.SelectForDeletion(times, t => t, new RetentionRules(0, 0, 0, 3));

        Assert.Equal(102, deleted.Count);
        Assert.Equal(
            [new DateTimeOffset(2026, 2, 28, 12, 0, 0, TimeSpan.Zero), new(2026, 3, 31, 12, 0, 0, TimeSpan.Zero), new(2026, 4, 15, 12, 0, 0, TimeSpan.Zero)],
            times.Except(deleted).Order());
    }

    [Fact]
    public void The_newest_is_never_deleted_whatever_the_input_order()
    {
        var random = new Random(42);
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var round = 0; round < 200; round++)
        {
            var times = Enumerable.Range(0, random.Next(1, 30)).Select(_ => start.AddMinutes(random.Next(0, 2_000_000))).ToList();
            var rules = new RetentionRules(random.Next(0, 3), random.Next(0, 3), random.Next(0, 3), random.Next(0, 3));

            var deleted = RetentionPolicy.SelectForDeletion(times, t => t, rules);

            Assert.DoesNotContain(times.Max(), deleted);
            Assert.True(deleted.Count < times.Count);
        }
    }

    [Fact]
    public void Deletions_come_back_in_input_order()
    {
        string[] times = ["2026-03-02T10:00Z", "2026-03-05T10:00Z", "2026-03-01T10:00Z", "2026-03-03T10:00Z"];

        var deleted = RetentionPolicy.SelectForDeletion(times, Parse, new RetentionRules(1, 0, 0, 0));

        Assert.Equal(["2026-03-02T10:00Z", "2026-03-01T10:00Z", "2026-03-03T10:00Z"], deleted);
    }

    [Fact]
    public void Empty_input_deletes_nothing() =>
        Assert.Empty(RetentionPolicy.SelectForDeletion(Array.Empty<string>(), Parse, new RetentionRules(0, 0, 0, 0)));

    [Fact]
    public void Negative_counts_are_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            RetentionPolicy.SelectForDeletion(["2026-03-01T10:00Z"], Parse, new RetentionRules(0, -1, 0, 0)));

    private static DateTimeOffset Parse(string time) => DateTimeOffset.Parse(time, CultureInfo.InvariantCulture);

    private static RetentionRules Rules(int[] r) => new(r[0], r[1], r[2], r[3]);
}
