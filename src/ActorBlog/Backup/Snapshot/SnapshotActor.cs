using Akka.Actor;

namespace ActorBlog.Backup.Snapshot;

/// <summary>
/// Makes the consistent copy of blog.db into a staged file and runs quick_check on it, for the
/// UploadActor to encode and store. The work runs off the dispatcher and stops when it is called off
/// or the actor stops; the answer comes back as a message. A scheduled snapshot is skipped when
/// the database revision has not moved since the last backup.
/// </summary>
public sealed class SnapshotActor : ReceiveActor
{
    /// <param name="UnlessRevision">Skip (answer <see cref="SnapshotUnchanged"/>) when the database is still at this revision.</param>
    public sealed record TakeSnapshot(string Id, DateTimeOffset CreatedAt, long? UnlessRevision);

    public sealed record SnapshotTaken(PreparedBackup Backup);

    public sealed record SnapshotUnchanged(string Id, long Revision);

    public sealed record SnapshotFailed(string Id, string Error);

    /// <summary>What a snapshot needs to know; settings, read once by the host.</summary>
    /// <param name="Catalog">Makes the catalog that names the backup's objects; the actor owns what it makes.</param>
    public sealed record Options(string DatabasePath, string TempDir, Func<BackupCatalog> Catalog, byte[]? Key, int CompressionLevel)
    {
        /// <summary>zstd worker threads for the upload of what this snapshot stages.</summary>
        public int CompressionWorkers { get; init; } = Format.BackupEncoder.DefaultCompressionWorkers;

        /// <summary>Copy, check and encoding at a lower OS priority than the writers (<see cref="BackgroundThread"/>).</summary>
        public bool LowPriority { get; init; }
    }

    private readonly StepWork _work = new();
    private readonly BackupCatalog _catalog;

    public SnapshotActor(Options options)
    {
        _catalog = options.Catalog();
        Receive<TakeSnapshot>(take => _work.Run(Self, Sender, take.Id,
            ct => Take(options, _catalog, take, ct),
            e => new SnapshotFailed(take.Id, BackupErrors.Describe(e))));
        Receive<StepWork.Done>(done => done.ReplyTo.Tell(_work.End(done)));
        Receive<CancelStep>(cancel => _work.Cancel(cancel.Id));
    }

    public static Props Props(Options options) => Akka.Actor.Props.Create(() => new SnapshotActor(options));

    protected override void PostStop()
    {
        _work.Dispose();
        _catalog.Dispose();
    }

    private static async Task<object> Take(Options options, BackupCatalog catalog, TakeSnapshot take, CancellationToken ct)
    {
        if (take.UnlessRevision is { } last && SqliteSnapshot.CurrentRevision(options.DatabasePath) == last)
            return new SnapshotUnchanged(take.Id, last);
        var prepared = await BackupJob.PrepareAsync(options.DatabasePath, options.TempDir, catalog, take.Id, take.CreatedAt,
            options.Key, options.CompressionLevel, ct, options.LowPriority);
        // The check runs here, before the upload, not beside its encoder: the host wants one core busy, not speed.
        try
        {
            return new SnapshotTaken(await BackupJob.CheckAsync(prepared with { CompressionWorkers = options.CompressionWorkers }, ct));
        }
        catch
        {
            TempFiles.DeleteQuietly(prepared.SnapshotPath);
            throw;
        }
    }
}
