using ActorBlog.Media;
using Akka.Actor;
using Akka.Event;

namespace ActorBlog.Posts;

/// <summary>
/// The only writer of blog.db. Commands that arrive while a transaction commits wait and go
/// into the next transaction together (group commit): throughput grows with concurrency, yet
/// every reply still means "committed with synchronous=FULL". Invalid input is answered at
/// once, without touching the file. The SQLite work runs off the dispatcher and comes back
/// as a message.
/// </summary>
public sealed class PostStore : ReceiveActor
{
    /// <summary>Asks how many transactions the store has committed; answered with <see cref="StoreStats"/>.</summary>
    public sealed record GetStats
    {
        public static readonly GetStats Instance = new();
    }

    public sealed record StoreStats(long Commits, long CommandsCommitted);

    /// <summary>Finish what is queued, checkpoint, close; answered with <see cref="Drained"/>. Sent at shutdown.</summary>
    public sealed record Drain
    {
        public static readonly Drain Instance = new();
    }

    public sealed record Drained
    {
        public static readonly Drained Instance = new();
    }

    private sealed record Pending(PostCommand Command, IActorRef ReplyTo);

    private sealed record BatchDone(IReadOnlyList<Pending> Batch, IReadOnlyList<WriteResult> Results, long Commits, long Revision);

    private sealed record BatchFailed(IReadOnlyList<Pending> Batch, Exception Cause);

    /// <summary>A committed batch whose answers waited for the gate (sync replication).</summary>
    private sealed record Released(IReadOnlyList<Pending> Batch, IReadOnlyList<WriteResult> Results, bool Durable);

    private const int MaxBatch = 256;

    private readonly Func<PostWriter> _openWriter;
    private readonly RevisionSignal? _revision;
    private readonly ICommitGate? _gate;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Queue<Pending> _queue = new();
    private readonly List<IActorRef> _drainRequests = [];
    private PostWriter? _writer;
    private bool _committing;
    private long _commits;
    private long _commandsCommitted;

    /// <param name="revision">Told each committed revision, for readers that cache by it (optional).</param>
    /// <param name="gate">Sync replication: a committed batch is answered once its revision is durable off the machine (optional).</param>
    public PostStore(Func<PostWriter> openWriter, RevisionSignal? revision = null, ICommitGate? gate = null)
    {
        _openWriter = openWriter;
        _revision = revision;
        _gate = gate;

        Receive<PostCommand>(command =>
        {
            var errors = command switch
            {
                CreatePost c => PostValidation.Validate(c.Input),
                UpdatePost u => PostValidation.Validate(u.Input, partial: u.Partial),
                _ => null,
            };
            if (errors is { Count: > 0 })
            {
                Sender.Tell(new PostRejected(errors));
                return;
            }
            if (_writer is null)
            {
                Sender.Tell(new StoreUnavailable("the store is shutting down"));
                return;
            }
            _queue.Enqueue(new Pending(command, Sender));
            CommitNext();
        });
        Receive<BatchDone>(done =>
        {
            _committing = false;
            _commits = done.Commits;
            _revision?.Advance(done.Revision);
            var wrote = done.Results.Count(IsWrite);
            _commandsCommitted += wrote;
            if (_gate is not null && wrote > 0)
            {
                // The next batch commits meanwhile: one upload then carries both (group commit across the gate too).
                _gate.WhenDurable(done.Revision).PipeTo(Self,
                    success: () => new Released(done.Batch, done.Results, Durable: true),
                    failure: _ => new Released(done.Batch, done.Results, Durable: false));
            }
            else
            {
                Reply(done.Batch, done.Results);
            }
            CommitNext();
        });
        Receive<Released>(released =>
        {
            if (released.Durable)
            {
                Reply(released.Batch, released.Results);
                return;
            }
            var answer = new StoreUnavailable("the write is committed here but could not be stored in the backup target");
            Reply(released.Batch, released.Results.Select(r => IsWrite(r) ? answer : r).ToList());
        });
        Receive<BatchFailed>(failed =>
        {
            _committing = false;
            _log.Error(failed.Cause, "A write transaction of {0} command(s) failed; nothing of it was written", failed.Batch.Count);
            var answer = new StoreUnavailable("the database could not commit the write");
            foreach (var pending in failed.Batch) pending.ReplyTo.Tell(answer);
            CommitNext();
        });
        Receive<GetStats>(_ => Sender.Tell(new StoreStats(_commits, _commandsCommitted)));
        Receive<Drain>(_ =>
        {
            _drainRequests.Add(Sender);
            CommitNext();
        });
    }

    public static Props Props(Func<PostWriter> openWriter, RevisionSignal? revision = null, ICommitGate? gate = null) =>
        Akka.Actor.Props.Create(() => new PostStore(openWriter, revision, gate));

    private static bool IsWrite(WriteResult result) => result is PostSaved or PostDeleted or MediaStored or MediaDeleted;

    private static void Reply(IReadOnlyList<Pending> batch, IReadOnlyList<WriteResult> results)
    {
        for (var i = 0; i < batch.Count; i++) batch[i].ReplyTo.Tell(results[i]);
    }

    protected override void PreStart() => _writer = _openWriter();

    protected override void PostStop() => CloseWriter();

    private void CommitNext()
    {
        if (_committing) return;
        if (_queue.Count == 0)
        {
            if (_drainRequests.Count > 0) FinishDrain();
            return;
        }

        var batch = new List<Pending>(Math.Min(_queue.Count, MaxBatch));
        while (batch.Count < MaxBatch && _queue.TryDequeue(out var next)) batch.Add(next);
        _committing = true;
        var writer = _writer!;
        Task.Run(() =>
        {
            var results = writer.Apply(batch.Select(p => p.Command).ToList());
            return new BatchDone(batch, results, writer.Commits, writer.Revision);
        }).PipeTo(Self, failure: e => new BatchFailed(batch, e));
    }

    private void FinishDrain()
    {
        CloseWriter();
        foreach (var requester in _drainRequests) requester.Tell(Drained.Instance);
        _drainRequests.Clear();
    }

    private void CloseWriter()
    {
        if (_committing || _writer is null) return;
        try
        {
            _writer.Dispose();
        }
        catch (Exception e)
        {
            _log.Warning("Closing the database failed: {0}", e.Message);
        }
        _writer = null;
    }
}
