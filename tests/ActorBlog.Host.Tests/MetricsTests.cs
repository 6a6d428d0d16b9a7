using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Host.Tests;

/// <summary>
/// The real program as a child process (its metrics are its own), backing up to a real s3rver
/// behind the fault proxy, scraped over HTTP like Prometheus would: every contract name is there
/// with the right type in valid exposition text, and each moves when the thing it counts happens.
/// </summary>
[Collection(S3rverCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class MetricsTests(S3rverFixture s3) : IDisposable
{
    private const string Token = "metrics-token-0123456789abcdef-0123456789";
    private readonly string _dir = Directory.CreateTempSubdirectory("actorblog-metrics-").FullName;

    /// <summary>Counters and gauges are observed at each scrape, so they are there from the first one, at 0.</summary>
    private static readonly (string Name, string Type)[] FromTheStart =
    [
        ("actorblog_backup_last_success_timestamp_seconds", "gauge"),
        ("actorblog_backup_failures_total", "counter"),
        ("actorblog_replication_lag_seconds", "gauge"),
        ("actorblog_replication_shipped_revision", "gauge"),
        ("actorblog_drill_last_success_timestamp_seconds", "gauge"),
        ("actorblog_drill_failures_total", "counter"),
        ("actorblog_store_commits_total", "counter"),
    ];

    /// <summary>A histogram is exported from its first recording on: an empty one would be a made-up sample.</summary>
    private static readonly (string Name, string Type)[] OnceRecorded =
    [
        ("actorblog_backup_duration_seconds", "histogram"),
        ("actorblog_store_commit_duration_seconds", "histogram"),
        ("http_server_request_duration_seconds", "histogram"),
    ];

    private static void AssertTypes(PrometheusText scrape, IEnumerable<(string Name, string Type)> expected)
    {
        foreach (var (name, type) in expected)
            Assert.True(scrape.Types.TryGetValue(name, out var seen) && seen == type, $"{name}: expected {type}, scraped {seen ?? "nothing"}");
    }

    private async Task<(ProgramProcess Program, HttpClient Client, FaultProxy Proxy)> StartAsync(string backupKey)
    {
        var proxy = await FaultProxy.StartAsync(s3.Endpoint);
        File.WriteAllText(Path.Combine(_dir, "metrics.conf"), $$"""
            actorblog.backup {
              enabled = off
              s3 { force-path-style = on, prefix = "metrics-{{Guid.NewGuid():N}}", timeout = 2s, max-error-retry = 0 }
              supervision { min-backoff = 100ms, max-backoff = 500ms }
              drill.interval = 1s
            }
            """);
        var env = s3.ProgramEnvironment(proxy.Endpoint);
        env["ACTORBLOG_AUTHOR_TOKEN"] = Token;
        env["ACTORBLOG_BACKUP_KEY"] = backupKey;
        var program = ProgramProcess.Start(_dir, env, "serve", "--urls", "http://127.0.0.1:0", "--config", "metrics.conf");
        var client = new HttpClient { BaseAddress = await program.Listening.WaitAsync(TimeSpan.FromMinutes(2)) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return (program, client, proxy);
    }

    private static async Task<PrometheusText> ScrapeAsync(HttpClient client)
    {
        using var anonymous = new HttpClient { BaseAddress = client.BaseAddress }; // loopback needs no token
        using var response = await anonymous.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString());
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    private static Task<JsonElement> StatusAsync(HttpClient client) => client.GetFromJsonAsync<JsonElement>("/api/backups/status");

    private static async Task<string> BackupAsync(HttpClient client) =>
        (await (await client.PostAsync("/api/backups", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

    private static string? IdOf(JsonElement status, string outcome) =>
        status.GetProperty(outcome) is { ValueKind: JsonValueKind.Object } o ? o.GetProperty("id").GetString() : null;

    private static double UnixSeconds(JsonElement at) => at.GetDateTimeOffset().ToUnixTimeMilliseconds() / 1000.0;

    [Fact]
    public async Task Every_contract_metric_is_scraped_with_its_type_and_moves_when_its_event_happens()
    {
        var key = Convert.ToBase64String(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray());
        var (program, client, proxy) = await StartAsync(key);
        await using var _ = program;
        await using var __ = proxy;
        using var ___ = client;

        var start = await ScrapeAsync(client);
        AssertTypes(start, FromTheStart);
        foreach (var (name, _) in FromTheStart) Assert.Equal(0, start.Value(name));

        // A commit.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/posts", new { title = "Counted", markdown = "x", status = "published" })).StatusCode);
        var committed = await ScrapeAsync(client);
        Assert.Equal(1, committed.Value("actorblog_store_commits_total"));
        Assert.Equal(1, committed.Value("actorblog_store_commit_duration_seconds_count"));
        Assert.True(committed.Samples.Any(s => s.Name == "http_server_request_duration_seconds_count" && s.Labels.GetValueOrDefault("http_route") == "/api/posts/"),
            "ASP.NET Core's own request metric for the POST");

        // A verified backup, then a passing drill (every second, after the first backup).
        var first = await BackupAsync(client);
        var verified = await Eventually.Until(() => StatusAsync(client), s => IdOf(s, "lastSuccess") == first, TimeSpan.FromMinutes(2), "the backup");
        var drilled = await Eventually.Until(() => StatusAsync(client), s => s.GetProperty("lastDrill") is { ValueKind: JsonValueKind.Object } d && d.GetProperty("ok").GetBoolean(),
            TimeSpan.FromMinutes(2), "a passing drill");
        var afterBackup = await Eventually.Until(() => ScrapeAsync(client), m => m.Value("actorblog_drill_last_success_timestamp_seconds") > 0,
            TimeSpan.FromSeconds(30), "the drill's timestamp");
        AssertTypes(afterBackup, FromTheStart.Concat(OnceRecorded));
        Assert.Equal(UnixSeconds(verified.GetProperty("lastSuccess").GetProperty("at")), afterBackup.Value("actorblog_backup_last_success_timestamp_seconds"));
        Assert.Equal(1, afterBackup.Value("actorblog_backup_duration_seconds_count"));
        Assert.True(afterBackup.Value("actorblog_backup_duration_seconds_sum") > 0);
        Assert.True(afterBackup.Value("actorblog_drill_last_success_timestamp_seconds") >= UnixSeconds(drilled.GetProperty("lastDrill").GetProperty("at")));
        Assert.Equal(0, afterBackup.Value("actorblog_backup_failures_total"));

        // The store fails every request: the backup fails, and so do the drills after it.
        proxy.Inject = _ => Fault.Status500;
        var second = await BackupAsync(client);
        await Eventually.Until(() => StatusAsync(client), s => IdOf(s, "lastFailure") == second, TimeSpan.FromMinutes(2), "the failed backup");
        var failing = await Eventually.Until(() => ScrapeAsync(client), m => m.Value("actorblog_drill_failures_total") >= 1,
            TimeSpan.FromMinutes(1), "a failed drill counted");
        Assert.Equal(1, failing.Value("actorblog_backup_failures_total"));
        Assert.Equal(afterBackup.Value("actorblog_backup_last_success_timestamp_seconds"), failing.Value("actorblog_backup_last_success_timestamp_seconds"));
        Assert.Equal(1, failing.Value("actorblog_backup_duration_seconds_count"));

        var text = await (await new HttpClient { BaseAddress = client.BaseAddress }.GetAsync("/metrics")).Content.ReadAsStringAsync();
        foreach (var secret in new[] { Token, S3rverFixture.SecretKey + "\"", key, Token[..12] })
            Assert.DoesNotContain(secret, text);
        Assert.Equal(0, await program.StopAsync());
    }

    [Fact]
    public async Task A_request_a_proxy_forwarded_needs_the_author_token_and_a_wrong_one_is_refused()
    {
        var key = Convert.ToBase64String(Enumerable.Range(9, 32).Select(i => (byte)i).ToArray());
        var (program, client, proxy) = await StartAsync(key);
        await using var _ = program;
        await using var __ = proxy;
        using var ___ = client;

        async Task<HttpResponseMessage> GetAsync(string? token, params (string Name, string Value)[] headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
            using var plain = new HttpClient { BaseAddress = client.BaseAddress };
            return await plain.SendAsync(request);
        }

        // A reverse proxy on this machine connects from loopback for every visitor; its headers tell.
        var forwarded = await GetAsync(null, ("X-Forwarded-For", "203.0.113.7"));
        var standard = await GetAsync(null, ("Forwarded", "for=203.0.113.7"));
        var wrong = await GetAsync(Token + "x", ("X-Forwarded-For", "203.0.113.7"));
        var right = await GetAsync(Token, ("X-Forwarded-For", "203.0.113.7"));
        var local = await GetAsync(null);

        Assert.Equal(HttpStatusCode.Unauthorized, forwarded.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, standard.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.DoesNotContain("actorblog_", await forwarded.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("actorblog_store_commits_total", await right.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        Assert.Equal(0, await program.StopAsync());
        foreach (var secret in new[] { Token, key, Token[..12] })
            Assert.DoesNotContain(secret, program.Output);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
