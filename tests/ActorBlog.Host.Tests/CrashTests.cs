using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using ActorBlog.Backup;
using ActorBlog.Backup.Targets;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Host.Tests;

/// <summary>The real program killed with SIGKILL, as a power cut or the OOM killer would: nothing acknowledged may be lost.</summary>
public sealed class CrashTests : IDisposable
{
    private const string Token = "crash-test-token-0123456789abcdef";
    private readonly string _dir = Directory.CreateTempSubdirectory("actorblog-crash-").FullName;
    private static readonly Dictionary<string, string> Env = new() { ["ACTORBLOG_AUTHOR_TOKEN"] = Token };

    private ProgramProcess Start() => ProgramProcess.Start(_dir, Env, "serve", "--urls", "http://127.0.0.1:0", "--config", Config());

    private string Config()
    {
        var path = Path.Combine(_dir, "crash.conf");
        File.WriteAllText(path, "actorblog.backup.enabled = off\n");
        return path;
    }

    private static HttpClient Client(Uri address)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(15) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    [Fact]
    public async Task Every_acknowledged_write_survives_a_sigkill_in_the_middle_of_a_write_stream()
    {
        var acknowledged = new ConcurrentBag<string>();
        await using (var program = Start())
        {
            using var client = Client(await program.Listening.WaitAsync(TimeSpan.FromMinutes(2)));
            using var killed = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !killed.IsCancellationRequested && i < 10_000; i++)
                {
                    var title = $"w{w}-{i}";
                    try
                    {
                        var response = await client.PostAsJsonAsync("/api/posts", new { title, markdown = "x" }, killed.Token);
                        if (response.StatusCode == HttpStatusCode.Created) acknowledged.Add(title);
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                    {
                        return; // the server is gone: the kill happened
                    }
                    if (acknowledged.Count >= 300 && !killed.IsCancellationRequested)
                    {
                        await program.KillAsync();
                        killed.Cancel();
                    }
                }
            })).ToList();
            try
            {
                await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(3));
            }
            catch (TimeoutException)
            {
                Assert.Fail($"writers did not finish: {acknowledged.Count} acknowledged, killed: {killed.IsCancellationRequested}\n{program.Output}");
            }
        }

        await using var restarted = Start();
        using var after = Client(await restarted.Listening.WaitAsync(TimeSpan.FromMinutes(2)));
        var found = (await after.GetFromJsonAsync<JsonElement[]>("/api/posts?status=all"))!
            .Select(p => p.GetProperty("title").GetString()!).ToHashSet();

        Assert.True(acknowledged.Count >= 300, $"only {acknowledged.Count} writes were acknowledged");
        var lost = acknowledged.Where(t => !found.Contains(t)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged writes were lost: {string.Join(", ", lost.Take(10))}");
    }

    [Fact]
    public async Task A_sigkill_during_a_backup_leaves_no_partial_backup_and_the_next_start_cleans_up()
    {
        Files.SeedIncompressibleBlog(Path.Combine(_dir, "data", "blog.db"), megabytes: 48);
        var tempDir = Path.Combine(_dir, "data", "tmp");
        await using (var program = Start())
        {
            using var client = Client(await program.Listening.WaitAsync(TimeSpan.FromMinutes(2)));
            // The first status answer of a fresh program can take longer than the whole backup
            // (recovery, first request): ask once before the backup, so the poll below sees it in flight.
            await BackupState.AnsweringAsync(client);
            // A backup of this blog can now verify between two polls (CI saw one finish unseen), so ask
            // again until a poll catches one in flight: the kill must land during a backup.
            for (var attempt = 1; ; attempt++)
            {
                var id = await BackupState.RequestAsync(client);
                var state = await BackupState.UntilAsync(client, s => s.GetProperty("inFlight").GetBoolean() || BackupState.IsOver(s, id),
                    $"backup {id} in flight or over");
                if (state.GetProperty("inFlight").GetBoolean()) break;
                Assert.True(attempt < 20, "no poll saw any of 20 backups in flight");
            }
            await program.KillAsync();
        }

        await using var restarted = Start();
        using var after = Client(await restarted.Listening.WaitAsync(TimeSpan.FromMinutes(2)));

        Assert.Empty(Directory.EnumerateFiles(tempDir));
        // Whatever the kill interrupted, every backup that lists is complete: its bytes match its manifest.
        var catalog = new BackupCatalog(new FileBackupTarget(Path.Combine(_dir, "data", "backups")), "");
        foreach (var manifest in await catalog.ListAsync(CancellationToken.None))
        {
            await using var data = await catalog.OpenDataAsync(manifest, CancellationToken.None);
            Assert.Equal(manifest.Sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(data)));
        }
        await BackupState.VerifiedAsync(after, await BackupState.RequestAsync(after));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
