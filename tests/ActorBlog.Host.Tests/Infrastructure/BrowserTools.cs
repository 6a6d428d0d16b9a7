using System.Diagnostics;
using System.Security.Cryptography;

namespace ActorBlog.Host.Tests.Infrastructure;

/// <summary>
/// The browser tests' tools: Debian's chromium (installed by .ci/run) and the npm packages of
/// tests/browser/package.json, installed once per machine with `npm ci` into a cache folder named
/// by the lock file's hash, under a lock file so parallel test processes never install over each other.
/// </summary>
public static class BrowserTools
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly SemaphoreSlim InProcess = new(1, 1);

    /// <summary>tests/browser as copied beside the test assembly.</summary>
    public static string ScriptsDir => Path.Combine(AppContext.BaseDirectory, "browser");

    public static string Chromium =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("chromium is not installed: apt-get install chromium (.ci/run does)");

    /// <summary>The node_modules folder holding playwright-core; installs it on first use.</summary>
    public static async Task<string> NodeModulesAsync()
    {
        var lockJson = Path.Combine(ScriptsDir, "package-lock.json");
        var hash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(lockJson)))[..16];
        var cache = Path.Combine(
            Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
            "actorblog-tests", "browser-" + hash);
        var modules = Path.Combine(cache, "node_modules");
        var marker = Path.Combine(cache, ".installed");
        if (File.Exists(marker)) return modules;

        await InProcess.WaitAsync();
        try
        {
            Directory.CreateDirectory(cache);
            using var timeout = new CancellationTokenSource(InstallTimeout);
            await using var lockFile = await AcquireLockAsync(Path.Combine(cache, ".install.lock"), timeout.Token);
            if (File.Exists(marker)) return modules;
            File.Copy(Path.Combine(ScriptsDir, "package.json"), Path.Combine(cache, "package.json"), overwrite: true);
            File.Copy(lockJson, Path.Combine(cache, "package-lock.json"), overwrite: true);
            var (exit, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], cache, new Dictionary<string, string>(), timeout.Token);
            if (exit != 0) throw new InvalidOperationException($"npm ci in {cache} failed ({exit}):\n{output}");
            await File.WriteAllTextAsync(marker, DateTimeOffset.UtcNow.ToString("O"), timeout.Token);
            return modules;
        }
        finally
        {
            InProcess.Release();
        }
    }

    /// <summary>Runs a tests/browser script with node; returns its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunScriptAsync(string script, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var env = new Dictionary<string, string>(environment)
        {
            ["NODE_PATH"] = await NodeModulesAsync(),
            ["CHROMIUM"] = Chromium,
        };
        using var cancel = new CancellationTokenSource(timeout);
        return await RunAsync("node", [Path.Combine(ScriptsDir, script)], ScriptsDir, env, cancel.Token);
    }

    private static async Task<(int, string)> RunAsync(string file, string[] args, string directory, IReadOnlyDictionary<string, string> env, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (k, v) in env) start.Environment[k] = v;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                // Another process holds the lock; .NET has no blocking wait for another process's file lock.
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }
        }
    }
}
