using System.Diagnostics;
using Spectre.Console;

namespace ActorBlog.Host.Cli;

/// <summary>
/// What a long command shows while it works, on stderr so stdout keeps only the result. On a
/// terminal that draws (ANSI), each data object moved shows as a live bar (Spectre.Console) with
/// bytes, rate and time left; on a plain terminal, a line when it starts and one when it ends,
/// with bytes and rate. When stderr is redirected nothing is shown: scripts and logs get the
/// result alone, and a failure stays one line.
/// </summary>
public static class Progress
{
    private static readonly Lazy<IAnsiConsole> Terminal = new(() =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }));

    private static readonly Dictionary<string, long> Sizes = new();
    private static ProgressContext? _live;

    public static bool Interactive => !Console.IsErrorRedirected;

    private static bool Draws => Interactive && Terminal.Value.Profile.Capabilities is { Ansi: true, Interactive: true };

    public static void Step(string message)
    {
        if (Interactive) Terminal.Value.WriteLine(message);
    }

    /// <summary>Tells the size of an object about to be moved, so its bar can show percent and time left.</summary>
    public static void Expect(string key, long bytes)
    {
        lock (Sizes) Sizes[key] = bytes;
    }

    internal static long? SizeOf(string key)
    {
        lock (Sizes) return Sizes.TryGetValue(key, out var bytes) ? bytes : null;
    }

    /// <summary>Runs a command's transfers with the live display up while they run, when the terminal draws.</summary>
    public static async Task<T> ShowAsync<T>(Func<Task<T>> transfers)
    {
        if (!Draws) return await transfers();
        return await Terminal.Value.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(),
                new TransferSpeedColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                _live = context;
                try
                {
                    return await transfers();
                }
                finally
                {
                    _live = null;
                }
            });
    }

    /// <summary>
    /// One object moving: a bar while the display is live (indeterminate when only its size, not its
    /// pace, can be known, as for an upload), a closing line with bytes and rate on a plain terminal,
    /// nothing when redirected.
    /// </summary>
    internal static Transfer Start(string what, long? bytes, bool indeterminate)
    {
        if (_live is { } live)
        {
            var bar = live.AddTask(what, maxValue: Math.Max(bytes ?? 1, 1));
            bar.IsIndeterminate = indeterminate || bytes is null;
            return new Transfer(bar, null, bytes);
        }
        return new Transfer(null, Interactive ? what : null, bytes);
    }

    internal sealed class Transfer(ProgressTask? bar, string? plain, long? expected)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _moved;

        public void Moved(int bytes)
        {
            _moved += bytes;
            bar?.Increment(bytes);
        }

        public void Done()
        {
            if (bar is not null)
            {
                bar.IsIndeterminate = false;
                bar.Value = bar.MaxValue;
                bar.StopTask();
            }
            var bytes = Math.Max(_moved, expected ?? 0);
            if (plain is null || bytes == 0) return;
            var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
            Terminal.Value.WriteLine($"{plain}: {Bytes(bytes)} in {seconds:0.0}s ({Bytes((long)(bytes / seconds))}/s)");
        }
    }

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}
