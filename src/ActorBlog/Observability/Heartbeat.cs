using ActorBlog.Backup.Scheduling;
using Akka.Actor;
using Akka.Event;

namespace ActorBlog.Observability;

/// <summary>
/// The dead-man's switch: a GET to <c>actorblog.backup.heartbeat-url</c> after each verified
/// backup, so a monitoring service notices when they stop. Never after a failed one. A heartbeat
/// that fails is logged once (and once more when it works again); it never fails the backup.
/// </summary>
public sealed class Heartbeat : ReceiveActor
{
    private sealed record Sent(string BackupId);

    private sealed record NotSent(string BackupId, string Error);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _failing;

    /// <param name="client">Makes the client for one request; its timeout bounds the request.</param>
    public Heartbeat(Uri url, Func<HttpClient> client)
    {
        Receive<BackupVerified>(v => SendAsync(client(), url, v.Id).PipeTo(Self));
        Receive<Sent>(_ =>
        {
            if (_failing) _log.Info("Backup heartbeat to {0} works again", url.GetLeftPart(UriPartial.Authority));
            _failing = false;
        });
        Receive<NotSent>(n =>
        {
            if (!_failing)
                _log.Warning("Backup heartbeat after {0} failed ({1}); the backup itself is fine. Logged once until it works again",
                    n.BackupId, n.Error);
            _failing = true;
        });
    }

    public static Props Props(Uri url, Func<HttpClient> client) => Akka.Actor.Props.Create(() => new Heartbeat(url, client));

    private static async Task<object> SendAsync(HttpClient client, Uri url, string backupId)
    {
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? new Sent(backupId) : new NotSent(backupId, $"HTTP {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new NotSent(backupId, e is TaskCanceledException ? $"no answer within {client.Timeout.TotalSeconds:0.#}s" : e.Message);
        }
    }
}
