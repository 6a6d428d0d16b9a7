using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Host.Tests;

/// <summary>
/// The dead-man's switch: the real program backs up to a real s3rver behind the fault proxy and
/// requests a heartbeat receiver on loopback after each verified backup, never after a failed one.
/// A receiver that answers errors is logged once and fails no backup.
/// </summary>
[Collection(S3rverCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HeartbeatTests(S3rverFixture s3) : IDisposable
{
    private const string Token = "heartbeat-token-0123456789abcdef-0123456789";
    private readonly string _dir = Directory.CreateTempSubdirectory("actorblog-heartbeat-").FullName;

    /// <summary>Counts the requests it gets and answers each with <see cref="Answer"/>.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private Receiver(WebApplication app) => _app = app;

        public int Requests => Volatile.Read(ref _requests);
        public List<string> Paths { get; } = [];
        public HttpStatusCode Answer { get; set; } = HttpStatusCode.OK;
        public Uri Url { get; private set; } = null!;

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new Receiver(app);
            app.Run(context =>
            {
                lock (receiver.Paths) receiver.Paths.Add($"{context.Request.Method} {context.Request.Path}");
                Interlocked.Increment(ref receiver._requests);
                context.Response.StatusCode = (int)receiver.Answer;
                return Task.CompletedTask;
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            receiver.Url = new Uri(new Uri(address), "/ping/3f1c-check-id");
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static async Task<string> BackupAsync(HttpClient client) =>
        (await (await client.PostAsync("/api/backups", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

    private static string? IdOf(JsonElement status, string outcome) =>
        status.GetProperty(outcome) is { ValueKind: JsonValueKind.Object } o ? o.GetProperty("id").GetString() : null;

    private static Task<JsonElement> OutcomeAsync(HttpClient client, string id) =>
        Eventually.Until(() => client.GetFromJsonAsync<JsonElement>("/api/backups/status"),
            s => IdOf(s, "lastSuccess") == id || IdOf(s, "lastFailure") == id, TimeSpan.FromMinutes(2), $"an outcome for {id}");

    [Fact]
    public async Task One_GET_per_verified_backup_none_after_a_failed_one_and_a_failing_receiver_is_logged_once()
    {
        await using var receiver = await Receiver.StartAsync();
        await using var proxy = await FaultProxy.StartAsync(s3.Endpoint);
        File.WriteAllText(Path.Combine(_dir, "heartbeat.conf"), $$"""
            actorblog.backup {
              enabled = off
              heartbeat-url = "{{receiver.Url}}"
              s3 { force-path-style = on, prefix = "heartbeat-{{Guid.NewGuid():N}}", timeout = 2s, max-error-retry = 0 }
              supervision { min-backoff = 100ms, max-backoff = 500ms }
            }
            """);
        var env = s3.ProgramEnvironment(proxy.Endpoint);
        env["ACTORBLOG_AUTHOR_TOKEN"] = Token;
        await using var program = ProgramProcess.Start(_dir, env, "serve", "--urls", "http://127.0.0.1:0", "--config", "heartbeat.conf");
        using var client = new HttpClient { BaseAddress = await program.Listening.WaitAsync(TimeSpan.FromMinutes(2)) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        // Two verified backups while the receiver answers 503: two requests, one log line, both backups fine.
        receiver.Answer = HttpStatusCode.ServiceUnavailable;
        for (var i = 1; i <= 2; i++)
        {
            var id = await BackupAsync(client);
            Assert.Equal(id, IdOf(await OutcomeAsync(client, id), "lastSuccess"));
            await Eventually.Until(() => Task.FromResult(receiver.Requests), n => n == i, TimeSpan.FromSeconds(30), $"heartbeat {i}");
        }

        // It works again: the third request, and its line, come after everything the second one caused.
        receiver.Answer = HttpStatusCode.OK;
        var third = await BackupAsync(client);
        Assert.Equal(third, IdOf(await OutcomeAsync(client, third), "lastSuccess"));
        await Eventually.Until(() => Task.FromResult(program.Output), o => o.Contains("heartbeat to http://127.0.0.1", StringComparison.Ordinal) && o.Contains("works again"),
            TimeSpan.FromSeconds(30), "the heartbeat's recovery line");
        Assert.Equal(3, receiver.Requests);

        // A failed backup sends nothing; the verified one after it sends one.
        proxy.Inject = _ => Fault.Status500;
        var failed = await BackupAsync(client);
        Assert.Equal(failed, IdOf(await OutcomeAsync(client, failed), "lastFailure"));
        Assert.Equal(3, receiver.Requests);
        proxy.Inject = _ => Fault.Pass;
        // A step still backing off fails the next attempt for the same cause: ask until one verifies.
        await Eventually.Until(async () => await OutcomeAsync(client, await BackupAsync(client)),
            s => s.GetProperty("consecutiveFailures").GetInt32() == 0, TimeSpan.FromMinutes(2), "a verified backup after the fault");
        await Eventually.Until(() => Task.FromResult(receiver.Requests), n => n >= 4, TimeSpan.FromSeconds(30), "heartbeat 4");
        Assert.Equal(0, await program.StopAsync());

        Assert.Equal(4, receiver.Requests); // four verified backups, the failed ones between: four requests
        lock (receiver.Paths) Assert.All(receiver.Paths, p => Assert.Equal("GET /ping/3f1c-check-id", p));
        var lines = program.Output.Split('\n');
        Assert.Single(lines, l => l.Contains("Backup heartbeat after", StringComparison.Ordinal) && l.Contains("failed", StringComparison.Ordinal));
        Assert.DoesNotContain("3f1c-check-id", program.Output); // the check's id is as good as a secret
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
