namespace ActorBlog.Backup.Restore;

/// <summary>A restore that could not be done, with one line saying why and, where there is one, what to do instead.</summary>
public sealed class RestoreException(string message, Exception? inner = null) : Exception(message, inner);
