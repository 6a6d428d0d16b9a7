namespace ActorBlog.Backup;

/// <summary>One line for an error, for the backup state and the log: the innermost useful message, never a stack trace.</summary>
public static class BackupErrors
{
    public static string Describe(Exception e)
    {
        while (e is AggregateException { InnerException: { } inner }) e = inner;
        var message = e.Message.ReplaceLineEndings(" ").Trim();
        return e is IOException or UnauthorizedAccessException or InvalidDataException
            ? message
            : $"{e.GetType().Name}: {message}";
    }
}
