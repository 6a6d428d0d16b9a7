using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Host.Tests;

/// <summary>The real program killed with SIGKILL, as a power cut or the OOM killer would: nothing acknowledged may be lost (a kill during a backup: <see cref="BackupCrashTests"/>).</summary>
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

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
