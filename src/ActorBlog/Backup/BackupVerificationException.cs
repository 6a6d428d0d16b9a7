namespace ActorBlog.Backup;

/// <summary>What the target holds after an upload differs from what was sent.</summary>
public sealed class BackupVerificationException(string message) : Exception(message);
