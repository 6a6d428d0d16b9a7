using Akka.Actor;

namespace ActorBlog.Backup.Snapshot;

/// <summary>
/// Makes the consistent copy of blog.db and streams it through zstd, SHA-256 and (with a key)
/// AES-GCM into a staged file. The work runs off the dispatcher; the answer comes back as a message.
/// A scheduled snapshot is skipped when the database revision has not moved since the last backup.
/// </summary>
public sealed class SnapshotActor : ReceiveActor
{
    /// <param name="UnlessRevision">Skip (answer <see cref="SnapshotUnchanged"/>) when the database is still at this revision.</param>
    public sealed record TakeSnapshot(string Id, DateTimeOffset CreatedAt, long? UnlessRevision);

    public sealed record SnapshotTaken(PreparedBackup Backup);

    public sealed record SnapshotUnchanged(string Id, long Revision);

    public sealed record SnapshotFailed(string Id, string Error);

    /// <summary>What a snapshot needs to know; settings, read once by the host.</summary>
    public sealed record Options(string DatabasePath, string TempDir, BackupCatalog Catalog, byte[]? Key, int CompressionLevel);

    public SnapshotActor(Options options)
    {
        Receive<TakeSnapshot>(take =>
        {
            // Blocking SQLite reads run on the thread pool; only the answer comes back as a message.
            Task.Run(() => Take(options, take)).PipeTo(Sender, Self,
                failure: e => new SnapshotFailed(take.Id, BackupErrors.Describe(e)));
        });
    }

    public static Props Props(Options options) => Akka.Actor.Props.Create(() => new SnapshotActor(options));

    private static async Task<object> Take(Options options, TakeSnapshot take)
    {
        if (take.UnlessRevision is { } last && SqliteSnapshot.CurrentRevision(options.DatabasePath) == last)
            return new SnapshotUnchanged(take.Id, last);
        var prepared = await BackupJob.PrepareAsync(options.DatabasePath, options.TempDir, options.Catalog, take.Id, take.CreatedAt,
            options.Key, options.CompressionLevel, CancellationToken.None);
        return new SnapshotTaken(prepared);
    }
}
