using System.Net.Http.Headers;
using ActorBlog.Backup;
using ActorBlog.Backup.Targets;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Host.Tests;

/// <summary>
/// The real program killed with SIGKILL in the middle of a backup. The store behind a loopback
/// proxy holds the data upload open, so the kill lands there every time, with the snapshot staged
/// on disk: no poll has to catch a backup in flight (CI once saw one killed before it had staged anything).
/// </summary>
[Collection(S3rverCollection.Name)]
public sealed class BackupCrashTests(S3rverFixture s3) : IDisposable
{
    private const string Token = "backup-crash-token-0123456789abcdef";
    private readonly string _dir = Directory.CreateTempSubdirectory("actorblog-backup-crash-").FullName;
    private readonly string _prefix = $"backup-crash-{Guid.NewGuid():N}";

    private string TempDir => Path.Combine(_dir, "data", "tmp");

    private ProgramProcess Start(FaultProxy proxy)
    {
        var env = s3.ProgramEnvironment(proxy.Endpoint);
        env["ACTORBLOG_AUTHOR_TOKEN"] = Token;
        return ProgramProcess.Start(_dir, env, "serve", "--urls", "http://127.0.0.1:0", "--config", Config());
    }

    private string Config()
    {
        var path = Path.Combine(_dir, "backup-crash.conf");
        // A timeout far longer than the test, so the held upload is still waiting when the kill lands.
        File.WriteAllText(path, $$"""
            actorblog.backup { enabled = off, drill.interval = off, s3 { force-path-style = on, prefix = "{{_prefix}}", timeout = 10m } }
            actorblog.replication.mode = off
            """);
        return path;
    }

    private static HttpClient Client(Uri address)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(15) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    private static bool IsDataUpload(HttpRequest r) => r.Method == "PUT" && r.Path.Value!.Contains(BackupNaming.DataSuffix, StringComparison.Ordinal);

    private IEnumerable<string> Staged() => Directory.Exists(TempDir) ? Directory.EnumerateFiles(TempDir) : [];

    [Fact]
    public async Task A_sigkill_during_a_backup_leaves_no_partial_backup_and_the_next_start_cleans_up()
    {
        Files.SeedIncompressibleBlog(Path.Combine(_dir, "data", "blog.db"), megabytes: 16);
        await using var proxy = await FaultProxy.StartAsync(s3.Endpoint);
        proxy.Inject = r => IsDataUpload(r) ? Fault.Stall : Fault.Pass;
        string killedId;
        await using (var program = Start(proxy))
        {
            using var client = Client(await program.Listening.WaitAsync(TimeSpan.FromMinutes(2)));
            killedId = await BackupState.RequestAsync(client);
            await Eventually.Until(() => Task.FromResult(proxy.Injected), n => n > 0, TimeSpan.FromMinutes(2), "the data upload to reach the store");
            Assert.NotEmpty(Staged());
            await program.KillAsync();
        }
        // What the kill left behind: the staged snapshot, and nothing in the store that lists.
        Assert.NotEmpty(Staged());
        using var store = new S3BackupTarget(s3.TargetOptions(_prefix));
        var direct = new BackupCatalog(store, _prefix);
        Assert.Empty(await direct.ListAsync(CancellationToken.None));

        proxy.Inject = _ => Fault.Pass;
        await using var restarted = Start(proxy);
        using var after = Client(await restarted.Listening.WaitAsync(TimeSpan.FromMinutes(2)));

        Assert.Empty(Staged());
        var next = await BackupState.RequestAsync(after);
        Assert.NotEqual(killedId, next);
        await BackupState.VerifiedAsync(after, next);
        Assert.Equal([next], (await direct.ListAsync(CancellationToken.None)).Select(m => m.Id));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
