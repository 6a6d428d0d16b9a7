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
}
