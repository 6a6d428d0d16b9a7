using ActorBlog.Backup.Format;
using ActorBlog.Backup.Restore;
using ActorBlog.Backup.Targets;

namespace ActorBlog.Backup;

/// <summary>One line for an error, for the backup state and the log: the innermost useful message, never a stack trace.</summary>
public static class BackupErrors
{
    public static string Describe(Exception e)
    {
        while (e is AggregateException { InnerException: { } inner }) e = inner;
        var message = e.Message.ReplaceLineEndings(" ").Trim();
        // Our own exceptions and the file system's are written for the operator; anything else gets its kind named.
        return e is IOException or UnauthorizedAccessException or InvalidDataException
            or RestoreException or BackupCorruptException or BackupKeyException or BackupVerificationException or BackupNotFoundException
            ? message
            : $"{e.GetType().Name}: {message}";
    }
}
