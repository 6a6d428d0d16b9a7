using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace ActorBlog.Host.Tests.Infrastructure;

/// <summary>The real program as a child process: `dotnet ActorBlog.Host.dll ...` in a directory of its own.</summary>
public sealed partial class ProgramProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly Lock _killLock = new();
    private Task? _killed;

    private ProgramProcess(Process process) => _process = process;

    public static string HostDll => Path.Combine(AppContext.BaseDirectory, "ActorBlog.Host.dll");

    /// <summary>Everything the program printed so far, stdout and stderr together.</summary>
    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public Task<Uri> Listening => _listening.Task;

    public int Id => _process.Id;

    public string Stdout
    {
        get
        {
            lock (_output) return _stdout.ToString();
        }
    }

    private string Stderr
    {
        get
        {
            lock (_output) return _stderr.ToString();
        }
    }

    public static ProgramProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Start(null, workingDirectory, environment, args);

    /// <param name="program">A published program to run, or null for the built host (<c>dotnet ActorBlog.Host.dll</c>).</param>
    public static ProgramProcess Start(string? program, string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var info = new ProcessStartInfo(program ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (program is null) info.ArgumentList.Add(HostDll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var name in new[] { "ACTORBLOG_AUTHOR_TOKEN", "ACTORBLOG_CONFIG", "ACTORBLOG_BACKUP_TARGET", "ACTORBLOG_BACKUP_INTERVAL", "ACTORBLOG_REPLICATION_MODE",
                     "ACTORBLOG_BACKUP_KEY", "SPACES_KEY", "SPACES_SECRET", "SPACES_ENDPOINT", "SPACES_REGION", "SPACES_BUCKET" })
            info.Environment.Remove(name);
        foreach (var (name, value) in environment) info.Environment[name] = value;

        var host = new ProgramProcess(new Process { StartInfo = info, EnableRaisingEvents = true });
        host._process.OutputDataReceived += (_, e) => host.Append(e.Data);
        host._process.ErrorDataReceived += (_, e) => host.Append(e.Data, error: true);
        host._process.Exited += (_, _) => host._listening.TrySetException(new InvalidOperationException("the program exited:\n" + host.Output));
        host._process.Start();
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Runs a command to its end; returns the exit code, stdout and stderr.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        RunAsync(null, workingDirectory, environment, args);

    /// <summary>As above, with a published <paramref name="program"/> (null: the built host).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string? program, string workingDirectory, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        await using var run = Start(program, workingDirectory, environment, args);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await run._process.WaitForExitAsync(cts.Token);
        run._process.WaitForExit(); // flushes the redirected streams
        return (run._process.ExitCode, run.Stdout, run.Stderr);
    }

    private void Append(string? line, bool error = false)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.AppendLine(line);
            (error ? _stderr : _stdout).AppendLine(line);
        }
        var match = ListeningLine().Match(line);
        if (match.Success) _listening.TrySetResult(new Uri(match.Groups[1].Value));
    }

    /// <summary>Asks the program to stop as systemd or Ctrl-C would, and waits for it.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited) _ = Kill(_process.Id, 15);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM and returns at once; <see cref="ExitAsync"/> waits for the end.</summary>
    public void Terminate()
    {
        if (!_process.HasExited) _ = Kill(_process.Id, 15);
    }

    /// <summary>Waits (a minute at most) for the program to end; returns its exit code.</summary>
    public async Task<int> ExitAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>
    /// Ends the program with no chance to clean up, as a power cut would. Callers that race to kill
    /// it (a test's writers do) share the one kill and its wait.
    /// </summary>
    public Task KillAsync()
    {
        lock (_killLock) return _killed ??= KillOnceAsync();
    }

    private async Task KillOnceAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Say what the kernel says it is doing, so a slow death can be told from a lost exit.
            throw new TimeoutException($"pid {_process.Id} was not reaped 30 s after SIGKILL; {ProcState(_process.Id)}");
        }
    }

    private static string ProcState(int pid)
    {
        try
        {
            var state = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal)) ?? "no State line";
            var waits = Directory.GetDirectories($"/proc/{pid}/task")
                .Select(t => File.ReadAllText(Path.Combine(t, "wchan"))).Where(w => w is not "" and not "0").Distinct();
            return $"{state.Trim()}; threads waiting in: {string.Join(", ", waits)}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"/proc/{pid} unreadable ({e.Message}): the process is gone, its exit was not seen";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await KillAsync();
        _process.Dispose();
    }

    // Text lines show the address bare; compact JSON lines (log.format = json) quote it: \"http://...\".
    [GeneratedRegex(@"Now listening on: (?:\\"")?(http://[^\s""\\]+)")]
    private static partial Regex ListeningLine();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
