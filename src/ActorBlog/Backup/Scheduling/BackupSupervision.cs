using ActorBlog.Configuration;
using Akka.Actor;
using Akka.Pattern;

namespace ActorBlog.Backup.Scheduling;

/// <summary>
/// Wraps a backup actor in Akka's BackoffSupervisor, configured from
/// <c>actorblog.backup.supervision.*</c>: a failure restarts that actor alone, after a growing pause.
/// </summary>
public static class BackupSupervision
{
    /// <param name="replyWhileStopped">Answered to whoever asks while the child waits to restart, so nobody waits for nothing.</param>
    public static Props Supervise(Props child, string childName, SupervisionSettings s, object? replyWhileStopped = null)
    {
        var options = Backoff.OnFailure(child, childName, s.MinBackoff, s.MaxBackoff, s.RandomFactor, s.MaxRetries)
            .WithAutoReset(s.MinBackoff)
            .WithSupervisorStrategy(new OneForOneStrategy(s.MaxRetries, s.Within, _ => Directive.Restart));
        if (replyWhileStopped is not null) options = options.WithReplyWhileStopped(replyWhileStopped);
        return BackoffSupervisor.Props(options);
    }
}
