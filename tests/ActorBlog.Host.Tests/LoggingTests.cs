using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActorBlog.Host.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Host.Tests;

/// <summary>
/// actorblog.log.{level, requests, format}: each changes what the real program prints (a child
/// process, its stdout read as it comes); a bad value stops start-up with one line naming the key.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class LoggingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorblog-logging-").FullName;

    /// <summary>
    /// Runs the program with <paramref name="hocon"/>, asks for <c>/</c> and <c>/nope</c>, stops it
    /// with SIGTERM (which flushes the log) and returns its stdout. The port is chosen here, since
    /// above info the program does not say where it listens. No token is set, so the program warns.
    /// </summary>
    private async Task<string> RunAsync(string hocon)
    {
        File.WriteAllText(Path.Combine(_dir, "log.conf"), hocon + "\nactorblog.backup.enabled = off\n");
        var url = new Uri($"http://127.0.0.1:{FreePort()}");
        await using var program = ProgramProcess.Start(_dir, new Dictionary<string, string>(), "serve", "--urls", url.ToString(), "--config", "log.conf");
        using var client = new HttpClient { BaseAddress = url };
        await Eventually.Until(async () =>
        {
            try
            {
                return (await client.GetAsync("/healthz/live")).StatusCode;
            }
            catch (HttpRequestException)
            {
                return HttpStatusCode.ServiceUnavailable;
            }
        }, s => s == HttpStatusCode.OK, TimeSpan.FromMinutes(2), "the program to answer");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/nope")).StatusCode);
        Assert.Equal(0, await program.StopAsync());
        return program.Stdout;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string[] Lines(string stdout) => stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Theory]
    [InlineData("debug", new[] { "DBG", "INF", "WRN" }, new string[0])]
    [InlineData("info", new[] { "INF", "WRN" }, new[] { "DBG" })]
    [InlineData("warning", new[] { "WRN" }, new[] { "DBG", "INF" })]
    [InlineData("error", new string[0], new[] { "DBG", "INF", "WRN" })]
    public async Task Log_level_sets_the_least_severe_line_written(string level, string[] present, string[] absent)
    {
        var stdout = await RunAsync($"actorblog.log {{ level = {level}, requests = off }}");

        var levels = Lines(stdout).Select(l => LevelOf().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet();
        foreach (var l in present) Assert.True(levels.Contains(l), $"no {l} line at level {level}:\n{stdout}");
        foreach (var l in absent) Assert.False(levels.Contains(l), $"a {l} line at level {level}:\n{stdout}");
        Assert.Equal(level is "debug" or "info", stdout.Contains("Now listening", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("all", "text", new[] { "/", "/nope" })]
    [InlineData("errors", "json", new[] { "/nope" })]
    [InlineData("off", "text", new string[0])]
    [InlineData("off", "json", new string[0])]
    public async Task Log_requests_picks_the_request_lines_and_log_format_their_shape(string requests, string format, string[] logged)
    {
        var stdout = await RunAsync($"actorblog.log {{ requests = {requests}, format = {format} }}");

        var lines = Lines(stdout);
        Assert.NotEmpty(lines);
        List<string> paths;
        if (format == "json")
        {
            // Serilog's compact JSON: one object a line, with @t (time) and @m (the rendered message).
            var events = lines.Select(ParseEvent).ToList();
            Assert.All(events, e => Assert.True(e.TryGetProperty("@t", out _) && e.TryGetProperty("@m", out _), e.ToString()));
            paths = events.Where(e => e.TryGetProperty("RequestPath", out _)).Select(e => e.GetProperty("RequestPath").GetString()!).ToList();
            Assert.Contains(events, e => e.GetProperty("@m").GetString()!.Contains("No ACTORBLOG_AUTHOR_TOKEN set", StringComparison.Ordinal)
                                         && e.GetProperty("@l").GetString() == "Warning");
        }
        else
        {
            Assert.All(lines, l => Assert.Matches(LevelOf(), l));
            paths = lines.Select(l => RequestLine().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        }
        Assert.Equal(logged, paths.Where(p => p is "/" or "/nope").ToArray());
    }

    [Theory]
    [InlineData("actorblog.log.level = loud", "actorblog.log.level")]
    [InlineData("actorblog.log.requests = some", "actorblog.log.requests")]
    [InlineData("actorblog.log.format = xml", "actorblog.log.format")]
    [InlineData("actorblog.backup.heartbeat-url = \"not a url\"", "actorblog.backup.heartbeat-url")]
    public async Task A_bad_log_or_heartbeat_setting_stops_start_up_with_one_line_naming_the_key(string hocon, string key)
    {
        File.WriteAllText(Path.Combine(_dir, "bad.conf"), hocon);
        var (exit, stdout, stderr) = await ProgramProcess.RunAsync(_dir, new Dictionary<string, string>(), "serve", "--urls", "http://127.0.0.1:0", "--config", "bad.conf");

        Assert.Equal(1, exit);
        Assert.Contains(key, Assert.Single(Lines(stderr)));
        Assert.Empty(stdout);
        Assert.False(Directory.Exists(Path.Combine(_dir, "data")), "nothing is created by a program that refused to start");
    }

    private static JsonElement ParseEvent(string line)
    {
        try
        {
            return JsonDocument.Parse(line).RootElement;
        }
        catch (JsonException)
        {
            throw new Xunit.Sdk.XunitException($"a stdout line that is not JSON: {line}");
        }
    }

    /// <summary>A text line: <c>[HH:mm:ss LVL] Source: message</c>.</summary>
    [GeneratedRegex(@"^\[\d\d:\d\d:\d\d (VRB|DBG|INF|WRN|ERR|FTL)\] ")]
    private static partial Regex LevelOf();

    [GeneratedRegex(@"RequestLoggingMiddleware: HTTP GET (\S+) responded \d+")]
    private static partial Regex RequestLine();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
