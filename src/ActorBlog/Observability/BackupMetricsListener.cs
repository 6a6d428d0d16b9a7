using ActorBlog.Backup.Scheduling;
using Akka.Actor;

namespace ActorBlog.Observability;

/// <summary>
/// Turns the backup scheduler's events, which it publishes on the event stream once they are in
/// its journal, into metrics. Listening instead of being called keeps the scheduler free of
/// instruments: it only says what happened.
/// </summary>
public sealed class BackupMetricsListener : ReceiveActor
{
    private (string Id, DateTimeOffset At)? _attempt;

    public BackupMetricsListener(BlogMetrics metrics)
    {
        Receive<BackupHistory>(h => metrics.Recovered(h.LastSuccess?.At, h.LastDrill is { Ok: true } d ? d.At : null));
        Receive<BackupAttempted>(a => _attempt = (a.Id, a.At));
        Receive<BackupVerified>(v =>
        {
            var took = _attempt is { } a && a.Id == v.Id ? v.At - a.At : TimeSpan.Zero;
            metrics.BackupVerified(v.At, took);
        });
        Receive<BackupFailed>(_ => metrics.BackupFailed());
        Receive<DrillRecorded>(d => metrics.Drill(d.Outcome.At, d.Outcome.Ok));
    }

    public static Props Props(BlogMetrics metrics) => Akka.Actor.Props.Create(() => new BackupMetricsListener(metrics));
}
