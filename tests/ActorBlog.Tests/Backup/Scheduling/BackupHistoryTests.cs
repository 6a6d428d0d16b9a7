using ActorBlog.Backup.Scheduling;
using ActorBlog.Configuration;

namespace ActorBlog.Tests.Backup.Scheduling;

public sealed class BackupHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly SupervisionSettings Backoff = new(10, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), 0);

    private static BackupHistory Replay(params IBackupEvent[] events) => events.Aggregate(BackupHistory.Empty, (h, e) => h.Apply(e));

    [Fact]
    public void With_no_history_a_backup_is_due_now() =>
        Assert.Equal(T0, BackupHistory.Empty.NextDueAt(Hour, Backoff, null, T0));

    [Fact]
    public void After_a_verified_backup_the_next_is_due_one_interval_later_whenever_the_host_restarts()
    {
        var history = Replay(new BackupAttempted("a", T0, false), new BackupVerified("a", T0, 5, 100));
        // A host restarted every few minutes computes the same due time each time: once per interval.
        foreach (var restart in new[] { 5, 17, 42, 59 })
            Assert.Equal(T0 + Hour, history.NextDueAt(Hour, Backoff, null, T0.AddMinutes(restart)));
    }

    [Fact]
    public void A_host_down_past_its_due_time_is_due_immediately_on_start()
    {
        var history = Replay(new BackupVerified("a", T0, 5, 100));
        var now = T0.AddHours(7);
        Assert.True(history.NextDueAt(Hour, Backoff, null, now) <= now);
    }

    [Fact]
    public void An_unchanged_tick_moves_the_next_due_time_like_a_backup_would() =>
        Assert.Equal(T0.AddMinutes(90) + Hour,
            Replay(new BackupVerified("a", T0, 5, 100)).NextDueAt(Hour, Backoff, T0.AddMinutes(90), T0.AddMinutes(91)));

    [Fact]
    public void Failures_back_off_exponentially_up_to_the_cap_and_a_success_resets()
    {
        var history = Replay(new BackupVerified("a", T0, 5, 100));
        var delays = new List<TimeSpan>();
        for (var i = 1; i <= 12; i++)
        {
            var at = T0.AddMinutes(i);
            history = history.Apply(new BackupFailed($"f{i}", at, "boom"));
            delays.Add(history.NextDueAt(Hour, Backoff, null, at) - at);
        }
        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300], delays.Select(d => d.TotalSeconds));
        Assert.Equal(12, history.ConsecutiveFailures);

        history = history.Apply(new BackupVerified("b", T0.AddHours(2), 6, 100));
        Assert.Equal(0, history.ConsecutiveFailures);
        Assert.Equal(T0.AddHours(3), history.NextDueAt(Hour, Backoff, null, T0.AddHours(2)));
        Assert.Equal("boom", history.LastFailure?.Error);
    }

    [Fact]
    public void Backoff_never_waits_longer_than_the_interval() =>
        Assert.Equal(TimeSpan.FromSeconds(30), BackupHistory.Backoff(20, Backoff, TimeSpan.FromSeconds(30)));

    [Fact]
    public void A_drill_is_due_one_drill_interval_after_the_first_verified_backup_then_after_each_drill()
    {
        var day = TimeSpan.FromDays(1);
        var backedUp = Replay(new BackupVerified("a", T0, 5, 100));
        Assert.Equal(T0 + day, backedUp.NextDrillAt(day));

        var drilled = backedUp.Apply(new DrillRecorded(new DrillOutcome(T0.AddHours(30), "a", false, 10, "boom")));
        Assert.Equal(T0.AddHours(30) + day, drilled.NextDrillAt(day));
    }

    [Fact]
    public void No_drill_is_due_when_drills_are_off_or_nothing_was_backed_up()
    {
        Assert.Null(Replay(new BackupVerified("a", T0, 5, 100)).NextDrillAt(null));
        Assert.Null(Replay(new BackupFailed("a", T0, "boom")).NextDrillAt(TimeSpan.FromDays(1)));
    }

    [Fact]
    public void Choosing_another_target_forgets_what_the_old_one_held_and_makes_a_backup_due_now()
    {
        var history = Replay(
            new TargetChosen("file /old", T0),
            new BackupVerified("a", T0, 5, 100),
            new BackupFailed("b", T0.AddMinutes(5), "boom"),
            new DrillRecorded(new DrillOutcome(T0.AddMinutes(6), "a", true, 10, null)));

        var moved = history.Apply(new TargetChosen("s3://bucket/blog at AWS", T0.AddMinutes(10)));

        Assert.Equal("s3://bucket/blog at AWS", moved.Target);
        Assert.Null(moved.LastSuccess);
        Assert.Null(moved.LastFailure);
        Assert.Null(moved.LastDrill);
        Assert.Equal(0, moved.ConsecutiveFailures);
        Assert.Equal(history.EventCount + 1, moved.EventCount); // snapshots still come every N events
        Assert.Equal(T0.AddMinutes(11), moved.NextDueAt(Hour, Backoff, null, T0.AddMinutes(11)));
    }

    [Theory]
    [InlineData(1, "a", null, true)]
    [InlineData(2, "a", "a", false)]
    [InlineData(9, "a", "a", false)]
    [InlineData(10, "a", "a", true)]
    [InlineData(11, "a", "a", false)]
    [InlineData(100, "a", "a", true)]
    [InlineData(1000, "a", "a", true)]
    [InlineData(5, "b", "a", true)]
    public void A_repeating_failure_is_logged_once_then_rate_limited(int n, string error, string? previous, bool logged) =>
        Assert.Equal(logged, FailureLog.ShouldLog(n, error, previous));
}
