using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ActorBlog.Host.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
/// <summary>The real program as a child process: start-up errors, signals, what it writes to its log.</summary>
public sealed class ProgramTests(ITestOutputHelper output) : IDisposable
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

    /// <summary>(what, the operator's file or null, an environment variable=value or null, extra args, the one line expected).</summary>
    public static TheoryData<string, string?, string?, string[], string> StartsItWrong => new()
    {
        { "a typo in the port", "actorblog.http.urls = \"http://0.0.0.0:abc\"", null, [],
            "actorblog: invalid setting actorblog.http.urls: 'http://0.0.0.0:abc' has the port 'abc'; a port is a number 0..65535, e.g. http://127.0.0.1:5080" },
        { "no scheme", "actorblog.http.urls = \"127.0.0.1:5080\"", null, [],
            "actorblog: invalid setting actorblog.http.urls: '127.0.0.1:5080' has no scheme; write http://ADDRESS:PORT or https://ADDRESS:PORT, e.g. http://127.0.0.1:5080" },
        { "a host name in --urls", null, null, ["--urls", "http://blog.example.com:5080"],
            "actorblog: invalid setting --urls: 'http://blog.example.com:5080' has the host 'blog.example.com', which is not an IP address; Kestrel would listen on every interface for it. Write an address (127.0.0.1, [::1], or 0.0.0.0 for every interface) or localhost" },
        { "not HOCON at all", "this is not hocon at all }}}", null, [],
            "actorblog: invalid setting operator.conf: not valid HOCON at line 1, column 26: expected '=', ':' or '{' after the key 'this is not hocon at all', found '}'" },
        { "an unclosed brace", "actorblog {\n  blog.title = \"Mine\"\n", null, [],
            "actorblog: invalid setting operator.conf: not valid HOCON at line 1, column 11: this '{' is never closed" },
        { "an unterminated quote", "actorblog.blog.title = \"Mine\n", null, [],
            "actorblog: invalid setting operator.conf: not valid HOCON at line 1, column 24: this string is never closed (a '\"' is missing before the end of the line)" },
        { "a misspelt key", "actorblog.backup.s3.force-path-styl = on", null, [],
            "actorblog: invalid setting actorblog.backup.s3.force-path-styl: unknown key in operator.conf; did you mean actorblog.backup.s3.force-path-style?" },
        { "a misspelt key in a block", "actorblog {\n  blog {\n    titel = \"Mine\"\n  }\n}", null, [],
            "actorblog: invalid setting actorblog.blog.titel: unknown key in operator.conf; did you mean actorblog.blog.title?" },
        { "a duration that is a word", "actorblog.backup.interval = soon", null, [],
            "actorblog: invalid setting actorblog.backup.interval: 'soon' is not a duration; write a number and a unit: ms, s, m, h or d (e.g. 500ms, 30s, 15m, 1h, 1d)" },
        { "a duration without a unit", null, "ACTORBLOG_BACKUP_INTERVAL=90", [],
            "actorblog: invalid setting actorblog.backup.interval: '90' has no unit; write a number and a unit: ms, s, m, h or d (e.g. 500ms, 30s, 15m, 1h, 1d) (from ACTORBLOG_BACKUP_INTERVAL)" },
        { "an interval under the floor", "actorblog.backup.interval = 100ms", null, [],
            "actorblog: invalid setting actorblog.backup.interval: '100ms' is shorter than the floor of 1s" },
        { "a short author token", null, "ACTORBLOG_AUTHOR_TOKEN=abc", [],
            "actorblog: invalid setting ACTORBLOG_AUTHOR_TOKEN: is 3 characters long; use at least 32 random ones (e.g. from 'openssl rand -base64 32'), or unset it to have one generated" },
        { "a proxy that is not an address", "actorblog.http.forwarded-headers = [\"proxy.local\"]", null, [],
            "actorblog: invalid setting actorblog.http.forwarded-headers: 'proxy.local' is not an IP address or network; write off, or a list such as [\"127.0.0.1\", \"10.0.0.0/8\"]" },
    };

    [Theory]
    [MemberData(nameof(StartsItWrong))]
    public async Task A_setting_that_would_start_it_wrong_stops_it_with_one_exact_line_and_creates_nothing(
        string _, string? file, string? variable, string[] args, string line)
    {
        var env = new Dictionary<string, string>();
        if (variable is not null) env[variable.Split('=')[0]] = variable.Split('=', 2)[1];
        var arguments = new List<string> { "serve" };
        if (file is not null)
        {
            File.WriteAllText(Path.Combine(_dir, "operator.conf"), file);
            arguments.AddRange(["--config", "operator.conf"]);
        }
        arguments.AddRange(args);

        var (exit, stdout, stderr) = await ProgramProcess.RunAsync(_dir, env, [.. arguments]);

        Assert.Equal(1, exit);
        Assert.Equal(line, stderr.TrimEnd('\n'));
        Assert.DoesNotContain("   at ", stdout + stderr);
        Assert.DoesNotContain("Now listening", stdout);
        Assert.False(Directory.Exists(Path.Combine(_dir, "data")), "no data directory, database, journal or token file");
    }

    [Fact]
    public async Task The_program_names_itself_actorblog_in_help_and_usage_errors()
    {
        var (helpExit, help, _) = await ProgramProcess.RunAsync(_dir, NoEnvironment, "--help");
        var (usageExit, _, usage) = await ProgramProcess.RunAsync(_dir, NoEnvironment, "restore", "--no-such-option");

        Assert.Equal((0, 2), (helpExit, usageExit));
        Assert.Contains("actorblog [command] [options]", help);
        Assert.DoesNotContain("ActorBlog.Host", help);
        Assert.EndsWith("Try 'actorblog --help'.", usage.TrimEnd('\n'));
        Assert.All(usage.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.StartsWith(l.StartsWith("Try") ? "Try 'actorblog" : "actorblog: ", l));
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

    [Fact]
    public async Task Sigterm_finishes_writes_closes_the_database_and_secrets_never_reach_the_log()
    {
        const string token = "s3cr3t-token-that-must-not-leak-0123456789";
        const string spacesSecret = "SPACES-SECRET-THAT-MUST-NOT-LEAK";
        var backupKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        var env = new Dictionary<string, string>
        {
            ["ACTORBLOG_AUTHOR_TOKEN"] = token, ["SPACES_KEY"] = "SPACES-KEY-ID", ["SPACES_SECRET"] = spacesSecret, ["ACTORBLOG_BACKUP_KEY"] = backupKey,
        };
        await using var program = ProgramProcess.Start(_dir, env, "serve", "--urls", "http://127.0.0.1:0");
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
            Assert.DoesNotContain(secret, log);
    }

    /// <summary>A request body that says when it was sent: with Expect: 100-continue, only once the endpoint reads it.</summary>
    private sealed class SignallingContent : HttpContent
    {
        private readonly byte[] _bytes;
        private readonly TaskCompletionSource _sent = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SignallingContent(string json)
        {
            _bytes = System.Text.Encoding.UTF8.GetBytes(json);
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        public Task Sent => _sent.Task;

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_bytes);
            _sent.TrySetResult();
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return true;
        }
    }

    [Fact]
    public async Task Sigterm_with_writes_in_flight_answers_each_commits_it_and_exits_promptly()
    {
        const string token = "sigterm-in-flight-token-0123456789abcdef";
        const int writes = 30;
        // write-timeout 30s: were the writes left to time out, as before, the exit would take 30 s and answer 503.
        File.WriteAllText(Path.Combine(_dir, "inflight.conf"), "actorblog.backup.enabled = off\nactorblog.store.write-timeout = 30s\nactorblog.store.busy-timeout = 30s\n");
        await using var program = ProgramProcess.Start(_dir, new Dictionary<string, string> { ["ACTORBLOG_AUTHOR_TOKEN"] = token },
            "serve", "--urls", "http://127.0.0.1:0", "--config", "inflight.conf");
        var handler = new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(2) };
        using var client = new HttpClient(handler) { BaseAddress = await program.Listening.WaitAsync(TimeSpan.FromMinutes(2)) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        client.DefaultRequestHeaders.ExpectContinue = true;
        var db = Path.Combine(_dir, "data", "blog.db");

        // Holding SQLite's write lock keeps every write waiting in the store. A body is sent only after
        // the endpoint asks for it (100-continue), so once all are sent all are inside the program.
        var blocker = new SqliteConnection($"Data Source={db};Pooling=False");
        blocker.Open();
        var held = blocker.BeginTransaction(deferred: false);
        var bodies = Enumerable.Range(0, writes).Select(i => new SignallingContent($$"""{"title":"In flight {{i}}","markdown":"x","status":"published"}""")).ToList();
        var answers = bodies.Select(body => client.PostAsync("/api/posts", body)).ToList();
        await Task.WhenAll(bodies.Select(b => b.Sent)).WaitAsync(TimeSpan.FromMinutes(2));

        var clock = Stopwatch.StartNew();
        program.Terminate();
        await Eventually.Until(() => Task.FromResult(program.Output), o => o.Contains("Application is shutting down"), TimeSpan.FromMinutes(1), "shutdown to begin");
        held.Rollback();
        blocker.Dispose();
        var exit = await program.ExitAsync();
        var exitTime = clock.Elapsed;
        var statuses = (await Task.WhenAll(answers)).Select(r => r.StatusCode).ToList();
        output.WriteLine($"SIGTERM with {writes} writes in flight: exit {exit} after {exitTime.TotalMilliseconds:0} ms");

        Assert.Equal(0, exit);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));
        Assert.Equal(0, new FileInfo(db + "-wal") is { Exists: true } wal ? wal.Length : 0);
        using (var connection = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False"))
        {
            connection.Open();
            using var count = connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM posts WHERE title LIKE 'In flight %'";
            Assert.Equal((long)writes, (long)count.ExecuteScalar()!);
        }
        // Generous: catches only waiting out write-timeout (30 s here), never a slow machine.
        Assert.True(exitTime < TimeSpan.FromSeconds(20), $"exit took {exitTime}");
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

        await BackupState.AnsweringAsync(client); // a cold start under load may still be recovering the journal
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
        var env = new Dictionary<string, string> { ["ACTORBLOG_AUTHOR_TOKEN"] = "journal-token-0123456789-0123456789" };
        async Task<(JsonElement Status, int Exit)> RunOnceAsync(Func<JsonElement, bool> settled)
        {
            await using var program = ProgramProcess.Start(_dir, env, "serve", "--urls", "http://127.0.0.1:0");
            using var client = new HttpClient { BaseAddress = await program.Listening.WaitAsync(TimeSpan.FromMinutes(2)) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "journal-token-0123456789-0123456789");
            var status = await BackupState.UntilAsync(client, settled, "the schedule to settle", TimeSpan.FromMinutes(1));
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
            ["ACTORBLOG_AUTHOR_TOKEN"] = "refused-token-0123456789-0123456789", ["ACTORBLOG_BACKUP_TARGET"] = "s3",
            ["SPACES_ENDPOINT"] = $"http://127.0.0.1:{port}", ["SPACES_BUCKET"] = "b", ["SPACES_KEY"] = "k", ["SPACES_SECRET"] = "s",
        };
        await using var program = ProgramProcess.Start(_dir, env, "serve", "--urls", "http://127.0.0.1:0", "--config", "refused.conf");
        using var client = new HttpClient { BaseAddress = await program.Listening.WaitAsync(TimeSpan.FromMinutes(2)) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "refused-token-0123456789-0123456789");

        var state = await BackupState.UntilAsync(client, s => s.GetProperty("consecutiveFailures").GetInt32() >= 5, "five failures in a row");
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
