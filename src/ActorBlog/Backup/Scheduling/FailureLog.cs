namespace ActorBlog.Backup.Scheduling;

/// <summary>
/// When a repeating failure deserves a log line: the first time, whenever its cause changes, and
/// then only at 10, 100, 1000... failures in a row, so an hour-long outage is a few lines, not thousands.
/// </summary>
public static class FailureLog
{
    public static bool ShouldLog(int consecutiveFailures, string error, string? previousError) =>
        consecutiveFailures <= 1 || error != previousError || IsPowerOfTen(consecutiveFailures);

    private static bool IsPowerOfTen(int n)
    {
        while (n >= 10 && n % 10 == 0) n /= 10;
        return n == 1;
    }
}
