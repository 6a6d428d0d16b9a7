namespace ActorBlog.Backup.Format;

/// <summary>The stored bytes of a backup are damaged, truncated or reordered.</summary>
public sealed class BackupCorruptException(string message, Exception? inner = null)
    : Exception(message, inner);
