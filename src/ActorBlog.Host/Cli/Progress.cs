namespace ActorBlog.Host.Cli;

/// <summary>Progress lines for long transfers, on a terminal only: scripts and logs get the result alone.</summary>
public static class Progress
{
    public static bool Interactive => !Console.IsErrorRedirected;

    public static void Step(string message)
    {
        if (Interactive) Console.Error.WriteLine(message);
    }

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}
