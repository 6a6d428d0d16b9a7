using ActorBlog.Configuration;
using Akka.Actor;
using Akka.Pattern;

namespace ActorBlog.Backup.Scheduling;

/// <summary>
/// Wraps a backup actor in Akka's BackoffSupervisor, configured from
/// <c>actorblog.backup.supervision.*</c>: when the actor stops (as the upload actor does after a
/// failed upload, and a persistent actor does when its journal fails) it is started again alone,
/// after a growing pause. An unexpected exception restarts it too, and is logged with its stack.
/// </summary>
public static class BackupSupervision
{
    /// <param name="replyWhileStopped">Answered to whoever asks while the child waits to restart, so nobody waits for nothing.</param>
    public static Props Supervise(Props child, string childName, SupervisionSettings s, object? replyWhileStopped = null)
    {
        var options = Backoff.OnStop(child, childName, s.MinBackoff, s.MaxBackoff, s.RandomFactor, s.MaxRetries)
            .WithAutoReset(s.MinBackoff)
            .WithSupervisorStrategy(new OneForOneStrategy(s.MaxRetries, s.Within, _ => Directive.Restart));
        if (replyWhileStopped is not null) options = options.WithReplyWhileStopped(replyWhileStopped);
        return BackoffSupervisor.Props(options);
    }
}
