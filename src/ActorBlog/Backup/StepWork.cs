using Akka.Actor;

namespace ActorBlog.Backup;

/// <summary>Calls off the work a step runs for backup <paramref name="Id"/>: the scheduler stopped waiting for it.</summary>
public sealed record CancelStep(string Id);

/// <summary>
/// The work a step actor runs off its mailbox, each job with its own cancellation: cancelled when
/// the scheduler calls it off (<see cref="CancelStep"/>, after the step timed out) and when the
/// actor stops, so no upload or restore outlives the actor that started it. Used from the actor's
/// own thread only: the job's result comes back through the mailbox as <see cref="Done"/>.
/// </summary>
public sealed class StepWork : IDisposable
{
    private readonly List<Job> _jobs = [];

    /// <summary>A finished job: hand it to <see cref="End"/>, which returns its answer.</summary>
    public sealed record Done(Job Job, object Result, IActorRef ReplyTo);

    public sealed class Job(string id) : IDisposable
    {
        private readonly CancellationTokenSource _cancel = new();

        public string Id { get; } = id;

        public CancellationToken Token => _cancel.Token;

        public void Cancel() => _cancel.Cancel();

        public void Dispose() => _cancel.Dispose();
    }

    /// <summary>Starts <paramref name="work"/>; its answer, or <paramref name="failure"/>'s, comes back to <paramref name="self"/> as <see cref="Done"/>.</summary>
    public void Run(IActorRef self, IActorRef replyTo, string id, Func<CancellationToken, Task<object>> work, Func<Exception, object> failure)
    {
        var job = new Job(id);
        _jobs.Add(job);
        var token = job.Token; // taken here: the job may be cancelled and disposed before the pool starts it
        Task.Run(() => work(token), token).PipeTo(self,
            success: result => new Done(job, result, replyTo),
            failure: e => new Done(job, failure(e), replyTo));
    }

    /// <summary>Forgets a finished job and returns its answer.</summary>
    public object End(Done done)
    {
        _jobs.Remove(done.Job);
        done.Job.Dispose();
        return done.Result;
    }

    public void Cancel(string id)
    {
        foreach (var job in _jobs.Where(j => j.Id == id)) job.Cancel();
    }

    /// <summary>Cancels whatever still runs; call it from the actor's PostStop.</summary>
    public void Dispose()
    {
        foreach (var job in _jobs)
        {
            job.Cancel();
            job.Dispose();
        }
        _jobs.Clear();
    }
}
