using ActorBlog.Backup.Scheduling;
using Akka.TestKit.Xunit2;

namespace ActorBlog.Tests.Backup.Scheduling;

/// <summary>
/// What the scheduler journals must come back as it went in, through the serializer Akka picks
/// for it: a snapshot that cannot be read back would stop the scheduler from recovering at all.
/// </summary>
public sealed class JournalSerializationSpecs : TestKit
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private T RoundTrip<T>(T value) where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(value);
        var bytes = serializer.ToBinary(value);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, value);
        return (T)Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);
    }

    public static TheoryData<IBackupEvent> Events => new()
    {
        new BackupAttempted("20261126T120000000Z-abcdef", T0, true),
        new BackupVerified("20261126T120000000Z-abcdef", T0, 42, 1234),
        new BackupFailed("20261126T120000000Z-abcdef", T0, "upload failed: connection refused"),
        new DrillRecorded(new DrillOutcome(T0, "20261126T120000000Z-abcdef", false, 87, "sha256 mismatch")),
        new DrillRecorded(new DrillOutcome(T0, null, true, 0, null)),
        new TargetChosen("s3://bucket/blog at https://example.test", T0),
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Every_event_survives_the_journal_serializer(IBackupEvent e) => Assert.Equal(e, RoundTrip(e));

    [Fact]
    public void The_snapshot_of_the_history_survives_the_serializer()
    {
        var history = BackupHistory.Empty
            .Apply(new BackupVerified("a", T0, 5, 100))
            .Apply(new BackupFailed("b", T0.AddHours(1), "boom"))
            .Apply(new DrillRecorded(new DrillOutcome(T0.AddHours(2), "a", true, 12, null)));

        var back = RoundTrip(history);

        Assert.Equal(history, back);
        var backoff = new ActorBlog.Configuration.SupervisionSettings(1, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), 0);
        Assert.Equal(history.NextDueAt(TimeSpan.FromHours(1), backoff, null, T0), back.NextDueAt(TimeSpan.FromHours(1), backoff, null, T0));
    }


    // Exactly what journals written before TargetChosen hold (serializer 1, Newtonsoft, no manifest):
    // a release must keep replaying them. Captured from the previous release; never edit these strings.
    private const string OldAttempted = """{"$id":"1","$type":"ActorBlog.Backup.Scheduling.BackupAttempted, ActorBlog","Id":"20261126T120000000Z-abcdef","At":"2026-11-26T12:00:00+00:00","Requested":true}""";
    private const string OldVerified = """{"$id":"1","$type":"ActorBlog.Backup.Scheduling.BackupVerified, ActorBlog","Id":"20261126T120000000Z-abcdef","At":"2026-11-26T12:00:00+00:00","Revision":42,"StoredBytes":1234}""";
    private const string OldFailed = """{"$id":"1","$type":"ActorBlog.Backup.Scheduling.BackupFailed, ActorBlog","Id":"20261126T120000000Z-abcdef","At":"2026-11-26T12:00:00+00:00","Error":"upload failed: connection refused"}""";
    private const string OldDrill = """{"$id":"1","$type":"ActorBlog.Backup.Scheduling.DrillRecorded, ActorBlog","Outcome":{"$id":"2","$type":"ActorBlog.Backup.Scheduling.DrillOutcome, ActorBlog","At":"2026-11-26T12:00:00+00:00","BackupId":"20261126T120000000Z-abcdef","DurationMs":87,"Error":"sha256 mismatch"}}""";
    private const string OldSnapshot = """{"$id":"1","$type":"ActorBlog.Backup.Scheduling.BackupHistory, ActorBlog","LastSuccess":{"$id":"2","$type":"ActorBlog.Backup.Scheduling.BackupSuccess, ActorBlog","Id":"a","At":"2026-11-26T12:00:00+00:00","Revision":5,"Bytes":100},"LastFailure":{"$id":"3","$type":"ActorBlog.Backup.Scheduling.BackupFailure, ActorBlog","Id":"b","At":"2026-11-26T13:00:00+00:00","Error":"boom"},"ConsecutiveFailures":{"$":"I1"},"LastDrill":{"$id":"4","$type":"ActorBlog.Backup.Scheduling.DrillOutcome, ActorBlog","At":"2026-11-26T14:00:00+00:00","BackupId":"a","Ok":true,"DurationMs":12},"EventCount":3}""";

    private object FromJournal(string json) => Sys.Serialization.Deserialize(System.Text.Encoding.UTF8.GetBytes(json), 1, "");

    [Fact]
    public void Events_journalled_by_the_previous_release_replay_as_they_were()
    {
        Assert.Equal(new BackupAttempted("20261126T120000000Z-abcdef", T0, true), FromJournal(OldAttempted));
        Assert.Equal(new BackupVerified("20261126T120000000Z-abcdef", T0, 42, 1234), FromJournal(OldVerified));
        Assert.Equal(new BackupFailed("20261126T120000000Z-abcdef", T0, "upload failed: connection refused"), FromJournal(OldFailed));
        Assert.Equal(new DrillRecorded(new DrillOutcome(T0, "20261126T120000000Z-abcdef", false, 87, "sha256 mismatch")), FromJournal(OldDrill));
    }

    [Fact]
    public void A_snapshot_saved_by_the_previous_release_recovers_with_no_target_so_the_schedule_starts_afresh()
    {
        var back = Assert.IsType<BackupHistory>(FromJournal(OldSnapshot));

        Assert.Equal(new BackupSuccess("a", T0, 5, 100), back.LastSuccess);
        Assert.Equal(new BackupFailure("b", T0.AddHours(1), "boom"), back.LastFailure);
        Assert.Equal(1, back.ConsecutiveFailures);
        Assert.Equal(3, back.EventCount);
        Assert.Null(back.Target); // which target it described was never recorded
    }
}
