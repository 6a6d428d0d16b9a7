namespace ActorBlog.Backup.Scheduling;

/// <summary>What the scheduler's journal remembers. Stored with Akka's serializer: add fields, never rename.</summary>
public interface IBackupEvent;

public sealed record BackupAttempted(string Id, DateTimeOffset At, bool Requested) : IBackupEvent;

public sealed record BackupVerified(string Id, DateTimeOffset At, long Revision, long StoredBytes) : IBackupEvent;

public sealed record BackupFailed(string Id, DateTimeOffset At, string Error) : IBackupEvent;

public sealed record DrillRecorded(DrillOutcome Outcome) : IBackupEvent;

/// <summary>The result of a restore drill, as the backup state shows it.</summary>
public sealed record DrillOutcome(DateTimeOffset At, string? BackupId, bool Ok, long DurationMs, string? Error);
