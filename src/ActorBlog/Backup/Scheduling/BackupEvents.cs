namespace ActorBlog.Backup.Scheduling;

/// <summary>
/// What the scheduler's journal remembers. Stored with Akka's Newtonsoft serializer, which writes
/// each type's full name: add fields (with defaults), never rename a type, a namespace or a field.
/// JournalSerializationSpecs replays the form that journals in the field already hold.
/// </summary>
public interface IBackupEvent;

public sealed record BackupAttempted(string Id, DateTimeOffset At, bool Requested) : IBackupEvent;

public sealed record BackupVerified(string Id, DateTimeOffset At, long Revision, long StoredBytes) : IBackupEvent;

public sealed record BackupFailed(string Id, DateTimeOffset At, string Error) : IBackupEvent;

public sealed record DrillRecorded(DrillOutcome Outcome) : IBackupEvent;

/// <summary>
/// From here on backups go to <paramref name="Target"/> (<see cref="Configuration.BackupSettings.TargetIdentity"/>):
/// what the history knew of another target does not describe this one, so it starts afresh.
/// </summary>
public sealed record TargetChosen(string Target, DateTimeOffset At) : IBackupEvent;

/// <summary>The result of a restore drill, as the journal keeps it and the backup state shows it.</summary>
public sealed record DrillOutcome(DateTimeOffset At, string? BackupId, bool Ok, long DurationMs, string? Error);
