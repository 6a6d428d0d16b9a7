using System.Diagnostics;
using System.Security.Cryptography;

namespace ActorBlog.Host.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class ExternalToolsCollection : ICollectionFixture<ExternalTools>
{
    public const string Name = "external tools";
}

/// <summary>
/// The real checkers the reader tests drive: Debian's chromium (through playwright-core), the Nu
/// Html Checker (npm vnu-jar, run with the machine's Java) and Debian's python3-feedparser. The npm
/// packages of tests/browser/package.json are installed once per machine and lock file into a
/// cache folder, behind a lock file, as S3rverFixture does. A missing tool fails with one line
/// saying how to install it; never a silent pass (CI's .ci/run installs them).
/// </summary>
public sealed class ExternalTools : IAsyncLifetime
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    public string BrowserDirectory { get; } = Path.Combine(RepositoryRoot(), "tests", "browser");
    public string NodeModules { get; private set; } = "";
    public string VnuJar => Path.Combine(NodeModules, "vnu-jar", "build", "dist", "vnu.jar");

    /// <summary>Where screenshots and reports go: artifacts/ at the repository root (ignored by git, kept by CI).</summary>
    public static string ArtifactsDirectory(string name) =>
        Directory.CreateDirectory(Path.Combine(RepositoryRoot(), "artifacts", name)).FullName;

    public async Task InitializeAsync()
    {
        var lockFile = await File.ReadAllBytesAsync(Path.Combine(BrowserDirectory, "package-lock.json"));
        var cache = Path.Combine(CacheRoot(), "browser-" + Convert.ToHexStringLower(SHA256.HashData(lockFile).AsSpan(0, 6)));
        NodeModules = Path.Combine(cache, "node_modules");
        await EnsureInstalledAsync(cache);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Debian's chromium; CHROME_PATH overrides.</summary>
    public static string Chromium() =>
        Environment.GetEnvironmentVariable("CHROME_PATH") is { Length: > 0 } path ? path
        : Which("chromium") ?? throw new InvalidOperationException("chromium is not installed: apt-get install chromium (CI's .ci/run does), or set CHROME_PATH");

    public static string Java() =>
        Which("java") ?? throw new InvalidOperationException("java is not installed: the Nu Html Checker needs Java 11+ (apt-get install default-jre-headless)");

    /// <summary>A python3 that imports feedparser: Debian's (/usr/bin/python3 with python3-feedparser) first.</summary>
    public static async Task<string> PythonWithFeedparserAsync()
    {
        foreach (var candidate in new[] { "/usr/bin/python3", Which("python3") }.OfType<string>().Distinct())
        {
            if (!File.Exists(candidate)) continue;
            var (code, _, _) = await RunAsync(candidate, ["-c", "import feedparser"], TimeSpan.FromMinutes(1));
            if (code == 0) return candidate;
        }
        throw new InvalidOperationException("python3-feedparser is not installed: apt-get install python3-feedparser (CI's .ci/run does)");
    }

    /// <summary>Runs a program to its end; its output is read as it comes so a full pipe never stalls it.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string program, IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        using var cts = new CancellationTokenSource(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {timeout}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private async Task EnsureInstalledAsync(string cache)
    {
        Directory.CreateDirectory(cache);
        var marker = Path.Combine(cache, ".installed");
        if (File.Exists(marker)) return;

        using var timeout = new CancellationTokenSource(InstallTimeout);
        await using var held = await ActorBlog.Tests.Infrastructure.S3rverFixture.AcquireLockAsync(Path.Combine(cache, ".install.lock"), timeout.Token);
        if (File.Exists(marker)) return; // another test process installed it while we waited

        foreach (var file in new[] { "package.json", "package-lock.json" })
            File.Copy(Path.Combine(BrowserDirectory, file), Path.Combine(cache, file), overwrite: true);
        var (code, stdout, stderr) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], InstallTimeout, workingDirectory: cache);
        if (code != 0 || !File.Exists(VnuJar))
            throw new InvalidOperationException($"npm ci in {cache} failed ({code}):\n{stdout}\n{stderr}");
        await File.WriteAllTextAsync(marker, DateTimeOffset.UtcNow.ToString("O"), timeout.Token);
    }


    private static string CacheRoot() => Path.Combine(
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
        "actorblog-tests");

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActorBlog.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("ActorBlog.sln not found above " + AppContext.BaseDirectory);
    }
}
