using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Host.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
/// <summary>The real program as a child process: start-up errors, signals, what it writes to its log.</summary>
public sealed class ProgramTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorblog-program-").FullName;

    private static readonly Dictionary<string, string> NoEnvironment = new();

    [Theory]
    [InlineData("ACTORBLOG_BACKUP_TARGET", "tape", "actorblog.backup.target")]
    [InlineData("ACTORBLOG_BACKUP_INTERVAL", "-5s", "actorblog.backup.interval")]
    [InlineData("ACTORBLOG_BACKUP_TARGET", "s3", "actorblog.backup.s3.bucket")]
    [InlineData("ACTORBLOG_BACKUP_KEY", "too-short", "ACTORBLOG_BACKUP_KEY")]
    public async Task A_bad_setting_stops_start_up_with_one_line_naming_the_key(string variable, string value, string key)
    {
        var (exit, stdout, stderr) = await ProgramProcess.RunAsync(_dir, new Dictionary<string, string> { [variable] = value }, "serve", "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, exit);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(key, lines[0]);
        Assert.DoesNotContain("Now listening", stdout);
        Assert.False(File.Exists(Path.Combine(_dir, "data", "blog.db")), "nothing is created by a host that refused to start");
    }

    [Fact]
    public async Task A_bad_config_file_value_names_the_key_too()
    {
        File.WriteAllText(Path.Combine(_dir, "bad.conf"), "actorblog.blog.page-size = lots");
        var (exit, _, stderr) = await ProgramProcess.RunAsync(_dir, NoEnvironment, "--config", "bad.conf");
        Assert.Equal(1, exit);
        Assert.Contains("actorblog.blog.page-size", stderr);
    }

    [Theory]
    [InlineData("--no-such-option")]
    [InlineData("serve", "--urls")]
    [InlineData("no-such-command")]
    public async Task A_usage_error_exits_2(params string[] args)
    {
        var (exit, _, stderr) = await ProgramProcess.RunAsync(_dir, NoEnvironment, args);
        Assert.Equal(2, exit);
        Assert.NotEmpty(stderr);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")] // compact JSON carries every property of every event: the secrets must not be among them
    public async Task Sigterm_finishes_writes_closes_the_database_and_secrets_never_reach_the_log(string format)
    {
        File.WriteAllText(Path.Combine(_dir, "log.conf"), $"actorblog.log.format = {format}\nactorblog.log.level = debug\n");
        const string token = "s3cr3t-token-that-must-not-leak-0123456789";
        const string spacesSecret = "SPACES-SECRET-THAT-MUST-NOT-LEAK";
        var backupKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        var env = new Dictionary<string, string>
        {
            ["ACTORBLOG_AUTHOR_TOKEN"] = token, ["SPACES_KEY"] = "SPACES-KEY-ID", ["SPACES_SECRET"] = spacesSecret, ["ACTORBLOG_BACKUP_KEY"] = backupKey,
        };
        await using var program = ProgramProcess.Start(_dir, env, "serve", "--urls", "http://127.0.0.1:0", "--config", "log.conf");
        var address = await program.Listening.WaitAsync(TimeSpan.FromMinutes(2));
        using var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var writes = Enumerable.Range(0, 40).Select(i => client.PostAsJsonAsync("/api/posts", new { title = $"Post {i}", markdown = "x", status = "published" }));
        var acknowledged = (await Task.WhenAll(writes)).Count(r => r.StatusCode == HttpStatusCode.Created);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/posts");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong)).StatusCode);

        Assert.Equal(0, await program.StopAsync());

        Assert.Equal(40, acknowledged);
        var db = Path.Combine(_dir, "data", "blog.db");
        Assert.Equal(0, new FileInfo(db + "-wal") is { Exists: true } wal ? wal.Length : 0);
        using (var connection = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False"))
        {
            connection.Open();
            using var count = connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM posts";
            Assert.Equal(40L, (long)count.ExecuteScalar()!);
        }
        var log = program.Output;
        Assert.Contains("Now listening", log);
        foreach (var secret in new[] { token, spacesSecret, backupKey, token[..12] })
        {
            Assert.DoesNotContain(secret, log);
            Assert.DoesNotContain(JsonSerializer.Serialize(secret)[1..^1], log); // as a JSON string would escape it
        }
    }

    [Fact]
    public async Task A_generated_token_is_stored_with_mode_600_and_never_printed_in_full()
    {
        await using var program = ProgramProcess.Start(_dir, NoEnvironment, "--urls", "http://127.0.0.1:0");
        var address = await program.Listening.WaitAsync(TimeSpan.FromMinutes(2));
        var tokenFile = Path.Combine(_dir, "data", "author-token");
        var token = File.ReadAllText(tokenFile).Trim();
        using var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var health = await client.GetFromJsonAsync<JsonElement>("/healthz");
        var list = await client.GetAsync("/api/posts");
        await program.StopAsync();

        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        Assert.True(token.Length >= 32);
        Assert.DoesNotContain(token, program.Output);
        Assert.Contains(tokenFile, program.Output);
    }

    [Fact]
    public async Task A_restarted_host_resumes_the_schedule_from_its_journal_file_instead_of_backing_up_again()
    {
        var env = new Dictionary<string, string> { ["ACTORBLOG_AUTHOR_TOKEN"] = "journal-token-0123456789" };
        async Task<(JsonElement Status, int Exit)> RunOnceAsync(Func<JsonElement, bool> settled)
        {
            await using var program = ProgramProcess.Start(_dir, env, "serve", "--urls", "http://127.0.0.1:0");
            using var client = new HttpClient { BaseAddress = await program.Listening.WaitAsync(TimeSpan.FromMinutes(2)) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "journal-token-0123456789");
            var status = await Eventually.Until(() => client.GetFromJsonAsync<JsonElement>("/api/backups/status"), settled,
                TimeSpan.FromMinutes(1), "the schedule to settle");
            return (status, await program.StopAsync());
        }

        // First start: no history, so a backup is due at once.
        var (first, exit1) = await RunOnceAsync(s => s.GetProperty("lastSuccess").ValueKind == JsonValueKind.Object);
        // Second start: the journal (its own SQLite file) says the next one is an hour after that.
        var (second, exit2) = await RunOnceAsync(s => s.GetProperty("nextDueAt").ValueKind == JsonValueKind.String);

        Assert.Equal((0, 0), (exit1, exit2));
        Assert.True(File.Exists(Path.Combine(_dir, "data", "actorblog-journal.db")));
        var lastSuccess = first.GetProperty("lastSuccess");
        Assert.Equal(lastSuccess.GetProperty("id").GetString(), second.GetProperty("lastSuccess").GetProperty("id").GetString());
        Assert.Equal(lastSuccess.GetProperty("at").GetDateTimeOffset() + TimeSpan.FromHours(1), second.GetProperty("nextDueAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("lastTick").ValueKind); // nothing ran after the restart
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_dir, "data", "backups"), "*.manifest.json", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_store_that_refuses_connections_is_logged_once_while_backups_retry_with_backoff()
    {
        var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there now: connection refused
        File.WriteAllText(Path.Combine(_dir, "refused.conf"), """
            actorblog.backup {
              interval = 1s
              s3 { force-path-style = on, timeout = 2s, max-error-retry = 0 }
              supervision { min-backoff = 100ms, max-backoff = 200ms }
            }
            """);
        var env = new Dictionary<string, string>
        {
            ["ACTORBLOG_AUTHOR_TOKEN"] = "refused-token-0123456789", ["ACTORBLOG_BACKUP_TARGET"] = "s3",
            ["SPACES_ENDPOINT"] = $"http://127.0.0.1:{port}", ["SPACES_BUCKET"] = "b", ["SPACES_KEY"] = "k", ["SPACES_SECRET"] = "s",
        };
        await using var program = ProgramProcess.Start(_dir, env, "serve", "--urls", "http://127.0.0.1:0", "--config", "refused.conf");
        using var client = new HttpClient { BaseAddress = await program.Listening.WaitAsync(TimeSpan.FromMinutes(2)) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "refused-token-0123456789");

        var state = await Eventually.Until(() => client.GetFromJsonAsync<JsonElement>("/api/backups/status"),
            s => s.GetProperty("consecutiveFailures").GetInt32() >= 5, TimeSpan.FromMinutes(2), "five failures in a row");
        var health = await client.GetFromJsonAsync<JsonElement>("/healthz");
        var home = await client.GetAsync("/");
        await program.StopAsync();

        var failureLines = program.Output.Split('\n').Count(l => l.Contains("failed (") && l.Contains("in a row"));
        Assert.Equal(1, failureLines);
        Assert.DoesNotContain("   at ", program.Output); // no stack traces for an expected outage
        Assert.Contains("refused", state.GetProperty("lastFailure").GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
