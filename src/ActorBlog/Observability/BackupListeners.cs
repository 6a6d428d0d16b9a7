using ActorBlog.Backup.Scheduling;
using Akka.Actor;

namespace ActorBlog.Observability;

/// <summary>
/// Starts what listens to the backup scheduler's events and subscribes it before returning, so it
/// cannot miss what a scheduler started afterwards publishes (its recovered history comes first).
/// </summary>
public static class BackupListeners
{
    public static IActorRef StartMetrics(ActorSystem system, BlogMetrics metrics)
    {
        var listener = system.ActorOf(BackupMetricsListener.Props(metrics), "backup-metrics");
        system.EventStream.Subscribe(listener, typeof(IBackupEvent));
        system.EventStream.Subscribe(listener, typeof(BackupHistory));
        return listener;
    }

    public static IActorRef StartHeartbeat(ActorSystem system, Uri url, Func<HttpClient> client)
    {
        var heartbeat = system.ActorOf(Heartbeat.Props(url, client), "backup-heartbeat");
        system.EventStream.Subscribe(heartbeat, typeof(BackupVerified));
        return heartbeat;
    }
}
