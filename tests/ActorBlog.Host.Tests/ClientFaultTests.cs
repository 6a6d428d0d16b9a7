using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Host.Web;
using Serilog.Events;

namespace ActorBlog.Host.Tests;

/// <summary>
/// A client that sends a body short of its Content-Length, or resets the connection while its request
/// runs, gets (or would get) a client's status, and the request line says so as a warning without a
/// stack trace; nothing is written. Raw sockets, since HttpClient cannot send a broken request.
/// </summary>
public sealed class ClientFaultTests : IAsyncLifetime
{
    private readonly CollectedLog _log = new();
    private TestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await TestHost.StartAsync("actorblog.log.requests = all\nactorblog.backup.enabled = off\n", logger: _log.Logger);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _log.Dispose();
    }

    /// <summary>A POST /api/posts whose Content-Length promises more than the 10 bytes sent.</summary>
    private async Task<Socket> StartShortPostAsync()
    {
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { title = "Cut short", markdown = "Never finished.", status = "published" }));
        var head = $"POST /api/posts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TestHost.Token}\r\n"
                   + $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(_host.Address.Host, _host.Address.Port);
        await socket.SendAsync((byte[])[.. Encoding.ASCII.GetBytes(head), .. body[..10]]);
        return socket;
    }

    private async Task<LogEvent> RequestLineAsync(string method, string path) =>
        await Eventually.Until(() => Task.FromResult(_log.Events.LastOrDefault(e =>
                e.Properties.TryGetValue("RequestMethod", out var m) && m.ToString() == $"\"{method}\""
                && e.Properties.TryGetValue("RequestPath", out var p) && p.ToString() == $"\"{path}\"")),
            e => e is not null, TimeSpan.FromSeconds(30), $"the request line of {method} {path}") ?? throw new InvalidOperationException();

    private async Task<int> PostCountAsync()
    {
        using var list = JsonDocument.Parse(await _host.Client.GetStringAsync("/api/posts?status=all"));
        return list.RootElement.GetArrayLength();
    }

    [Fact]
    public async Task A_body_shorter_than_its_content_length_is_answered_400_in_one_line_and_logged_as_a_warning()
    {
        var before = await PostCountAsync();
        using var socket = await StartShortPostAsync();

        socket.Shutdown(SocketShutdown.Send); // the body ends here, 10 bytes in
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer)) > 0) answer.Append(Encoding.UTF8.GetString(buffer, 0, read));

        Assert.StartsWith("HTTP/1.1 400 ", answer.ToString());
        Assert.Contains("application/problem+json", answer.ToString());
        Assert.Contains("Unexpected end of request content.", answer.ToString());
        var line = await RequestLineAsync("POST", "/api/posts");
        Assert.Equal("400", line.Properties["StatusCode"].ToString());
        Assert.Equal(LogEventLevel.Warning, line.Level);
        Assert.Null(line.Exception);
        Assert.Equal(before, await PostCountAsync());
    }

    [Fact]
    public async Task A_client_that_resets_the_connection_mid_request_is_logged_499_as_a_warning()
    {
        var before = await PostCountAsync();
        var socket = await StartShortPostAsync();
        // Reset only once the request runs (the server waits for the rest of its body): the active-requests
        // gauge counts it, beside the scrape that reads the gauge.
        await Eventually.Until(async () => PrometheusText.Parse(await _host.Client.GetStringAsync("/metrics")).Samples
                .Where(s => s.Name == "http_server_active_requests" && s.Labels.GetValueOrDefault("http_request_method") == "POST").Sum(s => s.Value),
            active => active == 1, TimeSpan.FromSeconds(30), "the POST to be running");

        socket.LingerState = new LingerOption(true, 0); // close sends RST, not FIN
        socket.Dispose();

        var line = await RequestLineAsync("POST", "/api/posts");
        Assert.Equal(ClientFaults.ClientClosedRequest.ToString(), line.Properties["StatusCode"].ToString());
        Assert.Equal(LogEventLevel.Warning, line.Level);
        Assert.Null(line.Exception);
        Assert.Equal(before, await PostCountAsync());
    }
}
