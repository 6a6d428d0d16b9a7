using ActorBlog.Backup.Targets;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ActorBlog.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class S3rverCollection : ICollectionFixture<S3rverFixture>
{
    public const string Name = "s3rver";
}

/// <summary>
/// A real s3rver (Node) on a loopback port, installed once per machine into a cache folder and
/// started once per test run. Tests share the bucket and keep apart by using their own key prefix.
/// </summary>
public sealed partial class S3rverFixture : IAsyncLifetime
{
    public const string Version = "3.7.1";
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    public const string Region = "us-east-1";
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly string _dataDir = Directory.CreateTempSubdirectory("actorblog-s3rver-").FullName;
    private Process? _process;
    private readonly List<string> _output = [];

    public string Bucket => "actorblog-test";
    public string Endpoint { get; private set; } = "";

    /// <summary>
    /// A target on this s3rver's bucket under <paramref name="prefix"/>, reached at <paramref name="endpoint"/>
    /// (a fault proxy's) or at the server itself: what a test opens in its own process.
    /// </summary>
    public S3TargetOptions TargetOptions(string prefix, string? endpoint = null) =>
        new(endpoint ?? Endpoint, Region, Bucket, prefix, ForcePathStyle: true, AccessKey, SecretKey);

    /// <summary>
    /// What the program reads from its environment to back up to this s3rver's bucket, reached at
    /// <paramref name="endpoint"/> (a fault proxy's) or at the server itself. Add the test's own settings to it.
    /// </summary>
    public Dictionary<string, string> ProgramEnvironment(string? endpoint = null) => new()
    {
        ["ACTORBLOG_BACKUP_TARGET"] = "s3", ["SPACES_ENDPOINT"] = endpoint ?? Endpoint, ["SPACES_REGION"] = Region,
        ["SPACES_BUCKET"] = Bucket, ["SPACES_KEY"] = AccessKey, ["SPACES_SECRET"] = SecretKey,
    };

    /// <summary>
    /// The file in which s3rver keeps the bytes of the object at <paramref name="key"/>: the key's
    /// folders under the bucket's, then "{name}._S3rver_object" (its MD5, the ETag, is kept apart
    /// in "._S3rver_object.md5", so changing this file is damage the store does not notice itself).
    /// </summary>
    public string StoredObjectPath(string key)
    {
        var parts = key.Split('/');
        return Path.Combine([_dataDir, Bucket, .. parts[..^1], parts[^1] + "._S3rver_object"]);
    }

    private static string CacheDir => Path.Combine(
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
        "actorblog-tests", "s3rver");

    private static string ServerScript => Path.Combine(CacheDir, "node_modules", "s3rver", "bin", "s3rver.js");

    public async Task InitializeAsync()
    {
        await EnsureInstalledAsync();

        var start = new ProcessStartInfo("node", [ServerScript, "-a", "127.0.0.1", "-p", "0", "-d", _dataDir, "--configure-bucket", Bucket, "--silent"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["NODE_OPTIONS"] = "--openssl-legacy-provider";
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.Add(e.Data); };
        _process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                lock (_output) _output.Add(line);
                if (ListeningLine().Match(line) is { Success: true } match)
                {
                    Endpoint = $"http://127.0.0.1:{match.Groups[1].Value}";
                    // Keep draining so a chatty server never blocks on a full pipe.
                    _ = DrainAsync(_process.StandardOutput);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        throw new InvalidOperationException($"s3rver did not report its port within {StartTimeout}:\n{string.Join('\n', _output)}");
    }

    private async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
            lock (_output) _output.Add(line);
    }

    /// <summary>
    /// npm-installs s3rver once, and patches it (<see cref="S3rverPatch"/>); a lock file keeps parallel
    /// test processes from installing or patching over each other.
    /// </summary>
    private static async Task EnsureInstalledAsync()
    {
        Directory.CreateDirectory(CacheDir);
        var marker = Path.Combine(CacheDir, $".installed-{Version}");
        if (File.Exists(marker) && File.Exists(ServerScript) && S3rverPatch.IsApplied(CacheDir))
            return;

        using var timeout = new CancellationTokenSource(InstallTimeout);
        await using var lockFile = await AcquireLockAsync(Path.Combine(CacheDir, ".install.lock"), timeout.Token);
        if (!File.Exists(marker) || !File.Exists(ServerScript)) // else another process installed it while we waited
            await InstallAsync(marker, timeout.Token);
        S3rverPatch.Apply(CacheDir);
    }

    private static async Task InstallAsync(string marker, CancellationToken ct)
    {
        var npm = new ProcessStartInfo("npm", ["install", "--prefix", CacheDir, $"s3rver@{Version}", "--no-audit", "--no-fund", "--loglevel=error"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(npm) ?? throw new InvalidOperationException("could not start npm");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0 || !File.Exists(ServerScript))
            throw new InvalidOperationException($"npm install s3rver@{Version} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        await File.WriteAllTextAsync(marker, DateTimeOffset.UtcNow.ToString("O"), ct);
    }

    /// <summary>
    /// A lock across test processes (npm installs into a shared cache). An exclusive open is the
    /// lock; the OS drops it if the holder dies. Waiting is polling because .NET offers no blocking
    /// wait for another process's file lock.
    /// </summary>
    internal static async Task<FileStream> AcquireLockAsync(string path, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
            }
        }
    }

    public Task DisposeAsync()
    {
        if (_process is { } process)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5_000);
                }
            }
            catch (InvalidOperationException)
            {
                // already exited
            }
            process.Dispose();
        }
        try { Directory.Delete(_dataDir, recursive: true); }
        catch (IOException) { }
        return Task.CompletedTask;
    }

    [GeneratedRegex(@"listening on [^\s:]+:(\d+)", RegexOptions.IgnoreCase)]
    private static partial Regex ListeningLine();
}
