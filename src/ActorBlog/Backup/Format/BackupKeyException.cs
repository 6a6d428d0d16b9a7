namespace ActorBlog.Backup.Format;

/// <summary>An encrypted backup cannot be opened: no key was given, or the key is not the one it was written with.</summary>
public sealed class BackupKeyException(string message, Exception? inner = null)
    : Exception(message, inner);
