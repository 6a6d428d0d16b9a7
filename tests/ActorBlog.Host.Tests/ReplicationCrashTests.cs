using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Host.Tests;

/// <summary>
/// The machine is lost: the real program is killed with SIGKILL in the middle of a stream of writes,
/// its data directory deleted, and the blog restored from the target into an empty directory.
/// Every acknowledged write is counted against the restored database; none is sampled.
/// </summary>
[Collection(S3rverCollection.Name)]
public sealed class ReplicationCrashTests(S3rverFixture s3) : IDisposable
{
    private const string Token = "replication-crash-token-0123456789";
    private const int Writers = 8;
    /// <summary>What "one upload" may take on a loaded CI machine: an async write acknowledged longer than interval + this before the loss must be restorable.</summary>
    private static readonly TimeSpan UploadAllowance = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly string _dir = Directory.CreateTempSubdirectory("actorblog-replication-crash-").FullName;

    private Dictionary<string, string> S3Env()
    {
        var env = s3.ProgramEnvironment();
        env["ACTORBLOG_AUTHOR_TOKEN"] = Token;
        env["ACTORBLOG_BACKUP_KEY"] = Convert.ToBase64String(new byte[32]);
        return env;
    }

    private string Config(string mode, string extra = "")
    {
        var path = Path.Combine(_dir, $"{mode}.conf");
        File.WriteAllText(path, $$"""
            actorblog.backup { interval = 1h, s3.force-path-style = on, drill.interval = off }
            actorblog.replication { mode = {{mode}}, interval = {{(int)Interval.TotalMilliseconds}}ms }
            {{extra}}
            """);
        return path;
    }

    private static HttpClient Client(Uri address)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    /// <summary>
    /// A first write starts this run's lineage; until its base backup is verified, what it commits can
    /// be restored only once that base exists (sync writes wait for it). Returns once it is restorable.
    /// </summary>
    private static async Task WaitForBaseAsync(HttpClient client)
    {
        await Eventually.Until(async () => (await client.PostAsJsonAsync("/api/posts", new { title = $"warm-up {Guid.NewGuid():N}", markdown = "x" })).StatusCode,
            code => code == HttpStatusCode.Created, TimeSpan.FromMinutes(2), "a first write");
        var revision = (await client.GetFromJsonAsync<JsonElement>("/healthz")).GetProperty("database").GetProperty("revision").GetInt64();
        await Eventually.Until(() => client.GetFromJsonAsync<JsonElement>("/api/backups/status"),
            s => s.GetProperty("replication") is var r && r.GetProperty("shippedRevision") is { ValueKind: JsonValueKind.Number } shipped
                 && shipped.GetInt64() >= revision && r.GetProperty("pendingCommits").GetInt32() == 0,
            TimeSpan.FromMinutes(2), "a replication base");
    }

    private sealed record Ack(string Title, TimeSpan At);

    /// <summary>Writers post until <paramref name="enough"/> holds, then the program is killed; every 201 is returned with when it arrived.</summary>
    private static async Task<(List<Ack> Acks, TimeSpan KilledAt)> WriteThenKillAsync(ProgramProcess program, HttpClient client, string tag, Func<int, TimeSpan, bool> enough)
    {
        var acks = new ConcurrentBag<Ack>();
        var clock = Stopwatch.StartNew();
        var killedAt = TimeSpan.Zero;
        using var killed = new CancellationTokenSource();
        var gate = new SemaphoreSlim(1, 1);
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !killed.IsCancellationRequested; i++)
            {
                var title = $"{tag}-w{w}-{i}";
                try
                {
                    var response = await client.PostAsJsonAsync("/api/posts", new { title, markdown = "x" }, killed.Token);
                    if (response.StatusCode == HttpStatusCode.Created) acks.Add(new Ack(title, clock.Elapsed));
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    return;
                }
                if (!enough(acks.Count, clock.Elapsed) || killed.IsCancellationRequested) continue;
                await gate.WaitAsync();
                try
                {
                    if (killed.IsCancellationRequested) continue;
                    killedAt = clock.Elapsed;
                    await program.KillAsync();
                    killed.Cancel();
                }
                finally
                {
                    gate.Release();
                }
            }
        })).ToList();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(3));
        return (acks.ToList(), killedAt);
    }

    private async Task<HashSet<string>> RestoreAsync(string workDir, Dictionary<string, string> env, string config)
    {
        Directory.CreateDirectory(workDir);
        var (code, stdout, stderr) = await ProgramProcess.RunAsync(workDir, env, "restore", "--config", config);
        Assert.True(code == 0, $"restore failed ({code}): {stdout} {stderr}");
        Assert.Contains("committed at", stdout);
        var path = Path.Combine(workDir, "data", "blog.db");
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using (var check = connection.CreateCommand())
        {
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", check.ExecuteScalar());
        }
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT title FROM posts";
        using var reader = command.ExecuteReader();
        var titles = new HashSet<string>();
        while (reader.Read()) titles.Add(reader.GetString(0));
        return titles;
    }

    [Fact]
    public async Task Sync_mode_loses_no_acknowledged_write_over_repeated_sigkills_and_lost_machines()
    {
        const int Kills = 3;
        var env = S3Env();
        // A prefix of its own: the tests share the bucket.
        var config = Config("sync", $"actorblog.backup.s3.prefix = \"sync-crash-{Guid.NewGuid():N}\"");
        var acknowledged = new List<string>();
        for (var kill = 0; kill < Kills; kill++)
        {
            var machine = Path.Combine(_dir, $"machine{kill}");
            if (kill > 0)
            {
                // The previous machine is gone: a new one starts from what the target holds.
                var restored = await RestoreAsync(machine, env, config);
                AssertAllThere(acknowledged, restored, $"after kill {kill}");
            }
            else
            {
                Directory.CreateDirectory(machine);
            }
            await using var program = ProgramProcess.Start(machine, env, "serve", "--urls", "http://127.0.0.1:0", "--config", config);
            using var client = Client(await program.Listening.WaitAsync(TimeSpan.FromMinutes(2)));
            await WaitForBaseAsync(client);
            var (acks, _) = await WriteThenKillAsync(program, client, $"k{kill}", (n, _) => n >= 150);
            Assert.True(acks.Count >= 150, $"only {acks.Count} writes were acknowledged:\n{program.Output}");
            acknowledged.AddRange(acks.Select(a => a.Title));
            Directory.Delete(Path.Combine(machine, "data"), recursive: true);
        }

        var final = await RestoreAsync(Path.Combine(_dir, "final"), env, config);
        AssertAllThere(acknowledged, final, "after the last kill");
    }

    [Fact]
    public async Task Async_mode_restores_every_write_acknowledged_longer_than_interval_plus_one_upload_before_the_loss()
    {
        var target = Path.Combine(_dir, "target");
        var env = new Dictionary<string, string> { ["ACTORBLOG_AUTHOR_TOKEN"] = Token };
        var config = Config("async", $"actorblog.backup.file.path = \"{target}\"");
        var machine = Path.Combine(_dir, "machine");
        Directory.CreateDirectory(machine);
        List<Ack> acks;
        TimeSpan killedAt;
        await using (var program = ProgramProcess.Start(machine, env, "serve", "--urls", "http://127.0.0.1:0", "--config", config))
        {
            using var client = Client(await program.Listening.WaitAsync(TimeSpan.FromMinutes(2)));
            await WaitForBaseAsync(client);
            (acks, killedAt) = await WriteThenKillAsync(program, client, "a", (n, elapsed) => n >= 200 && elapsed > Interval + UploadAllowance + TimeSpan.FromSeconds(3));
        }
        Directory.Delete(Path.Combine(machine, "data"), recursive: true);

        var restored = await RestoreAsync(Path.Combine(_dir, "restored"), env, config);

        var due = acks.Where(a => a.At < killedAt - Interval - UploadAllowance).Select(a => a.Title).ToList();
        Assert.True(due.Count > 0, $"no write was acknowledged early enough to count ({acks.Count} in all)");
        AssertAllThere(due, restored, "acknowledged before the loss by more than interval + one upload");
    }

    private static void AssertAllThere(IReadOnlyCollection<string> acknowledged, HashSet<string> restored, string when)
    {
        var lost = acknowledged.Where(t => !restored.Contains(t)).ToList();
        Assert.True(lost.Count == 0, $"{when}: {lost.Count} of {acknowledged.Count} acknowledged writes are not in the restored blog: {string.Join(", ", lost.Take(10))}");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
