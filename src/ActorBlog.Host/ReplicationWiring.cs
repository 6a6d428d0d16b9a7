using ActorBlog.Backup;
using ActorBlog.Backup.Replication;
using ActorBlog.Backup.Scheduling;
using ActorBlog.Configuration;
using ActorBlog.Posts;
using Akka.Actor;

namespace ActorBlog.Host;

/// <summary>
/// Continuous replication's part of the host: the state everyone reads, the gate sync writes wait
/// at, the supervised replication actor, and the tap the write connection is opened with. With
/// mode off there is no actor and no tap, and the writer is exactly as it was.
/// </summary>
public sealed class ReplicationWiring
{
    private readonly BlogHostOptions _options;
    private IActorRef? _actor;
    private WalTap? _tap;

    public ReplicationWiring(BlogHostOptions options)
    {
        _options = options;
        Monitor = new ReplicationMonitor(options.Replication.ModeName);
        Gate = options.Replication.Mode == ReplicationMode.Sync ? new ShipGate() : null;
    }

    public ReplicationMonitor Monitor { get; }

    /// <summary>Sync mode only: what the PostStore waits at before it answers a write.</summary>
    public ShipGate? Gate { get; }

    /// <summary>Starts the replication actor (before the PostStore opens its writer, so the first commit has somewhere to go).</summary>
    public void Start(ActorSystem system)
    {
        var settings = _options.Replication;
        if (settings.Mode == ReplicationMode.Off) return;
        var backup = _options.Backup;
        var uploader = ChangeUploadActor.Props(new ChangeUploadActor.Options(
            () =>
            {
                var catalog = BackupCatalogFactory.Create(backup, _options.Secrets);
                return new ChangeCatalog(catalog.Target, catalog.Prefix);
            },
            _options.Secrets.BackupKey, backup.CompressionLevel, backup.VerifyAfterUpload));
        var props = ReplicationActor.Props(new ReplicationActor.Options(settings, backup.Supervision, uploader, Monitor, Gate ?? new ShipGate()));
        var actor = system.ActorOf(BackupSupervision.Supervise(props, "replication", backup.Supervision), "replication");
        _actor = actor;
        _tap = new WalTap(actor.Tell, settings.CheckpointPages);
    }

    /// <summary>Opens the write connection, with the tap on it when replication runs.</summary>
    public PostWriter OpenWriter(BlogDatabase database, MarkdownRenderer renderer, TimeProvider clock)
    {
        var connection = database.OpenWriter();
        _tap?.Open(connection);
        return new PostWriter(connection, renderer, clock, _tap);
    }

    /// <summary>At shutdown, once the store has drained: ship what still waits, within <paramref name="timeout"/>.</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        if (_actor is null) return;
        try
        {
            await _actor.Ask<ReplicationActor.Flushed>(ReplicationActor.Flush.Instance, timeout);
        }
        catch (AskTimeoutException)
        {
            // The store is unreachable: what waits is in blog.db, and the next start's base holds it.
        }
    }

    /// <summary>The scheduler takes the base backups a new lineage needs.</summary>
    public void UseScheduler(IActorRef scheduler) => _actor?.Tell(new ReplicationActor.BaseSource(scheduler));
}
