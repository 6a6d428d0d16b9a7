using Akka.Actor;

namespace ActorBlog.Backup.Replication;

/// <summary>
/// Stores one batch of captured transactions as a change object: encoded, uploaded, read back and
/// checked (<see cref="ChangeCatalog.StoreAsync"/>). A failed upload is answered, then the actor
/// stops, so its BackoffSupervisor starts a fresh one (and a fresh client) after a pause; the
/// replication actor keeps the batch and logs the failure once.
/// </summary>
public sealed class ChangeUploadActor : ReceiveActor
{
    public sealed record Ship(long BatchId, IReadOnlyList<CapturedTransaction> Batch);

    public sealed record Shipped(long BatchId, ChangeKey Key);

    public sealed record ShipFailed(long BatchId, string Error);

    /// <summary>What its supervisor answers while it waits to restart.</summary>
    public sealed record Unavailable
    {
        public static readonly Unavailable Instance = new();
    }

    public sealed record Options(Func<ChangeCatalog> Catalog, byte[]? Key, int CompressionLevel, bool Verify);

    private sealed record Answer(object Message, IActorRef ReplyTo, bool Failed);

    public ChangeUploadActor(Options options)
    {
        var catalog = options.Catalog();
        Receive<Ship>(ship =>
        {
            var replyTo = Sender;
            // Off the dispatcher: the batch is serialized and encoded before the store's first await, and a batch
            // held through an outage can reach max-pending-mb (tens of milliseconds of zstd).
            Task.Run(() => catalog.StoreAsync(ship.Batch, options.Key, options.CompressionLevel, options.Verify, CancellationToken.None))
                .PipeTo(Self, Self, success: key => new Answer(new Shipped(ship.BatchId, key), replyTo, false),
                    failure: e => new Answer(new ShipFailed(ship.BatchId, BackupErrors.Describe(e)), replyTo, true));
        });
        Receive<Answer>(answer =>
        {
            answer.ReplyTo.Tell(answer.Message);
            if (answer.Failed) Context.Stop(Self);
        });
    }

    public static Props Props(Options options) => Akka.Actor.Props.Create(() => new ChangeUploadActor(options));
}
