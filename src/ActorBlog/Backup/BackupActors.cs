using ActorBlog.Backup.Restore;
using ActorBlog.Backup.Scheduling;
using ActorBlog.Backup.Snapshot;
using ActorBlog.Backup.Upload;
using ActorBlog.Configuration;
using Akka.Actor;

namespace ActorBlog.Backup;

/// <summary>What the backup actors are made from, read once by the host (or a test).</summary>
public sealed record BackupWiring(BackupSettings Settings, Secrets Secrets, string DatabasePath)
{
    /// <summary>Found once, here: the host logs them at start and the scheduler shows them in its state.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = BackupWarnings.For(Settings, DatabasePath);

    /// <summary>A fresh catalog (and client to the store) for an actor to own and dispose.</summary>
    public BackupCatalog NewCatalog() => BackupCatalogFactory.Create(Settings, Secrets);
}

/// <summary>
/// The one place the backup actors are put together: the host's <c>WithBackups</c> and the
/// scheduler specs both start exactly this, so what the tests drive is what runs.
/// </summary>
public static class BackupActors
{
    /// <summary>The scheduler with its steps, under its own BackoffSupervisor (a journal failure restarts it alone).</summary>
    public static Props SupervisedScheduler(BackupWiring wiring) =>
        BackupSupervision.Supervise(BackupScheduler.Props(wiring.Settings, Steps(wiring), wiring.Warnings), "scheduler", wiring.Settings.Supervision);

    /// <summary>
    /// The host's backups compress on their own job thread, no zstd workers: at most about one core
    /// goes to a backup, so on a small machine the writers keep the other. Measured on 2 cores, 50
    /// POST/s during back-to-back 100 MB backups: writers' p50 19-25 ms with none, 107-760 ms with
    /// two workers (alternating runs). The CLI, which has the machine to itself, keeps the default.
    /// The snapshot's page copy, its check and the encoding also run at a lower OS priority (BackgroundThread).
    /// </summary>
    private const int ServerCompressionWorkers = 0;

    public static BackupScheduler.Steps Steps(BackupWiring wiring)
    {
        var s = wiring.Settings;
        var key = wiring.Secrets.BackupKey;
        return new BackupScheduler.Steps(
            SnapshotActor.Props(new SnapshotActor.Options(wiring.DatabasePath, s.TempDir, wiring.NewCatalog, key, s.CompressionLevel)
            {
                CompressionWorkers = ServerCompressionWorkers,
                LowPriority = true,
            }),
            UploadActor.Props(wiring.NewCatalog, s.VerifyAfterUpload),
            s.DrillInterval is null ? null : RestoreDrillActor.Props(new RestoreDrillActor.Options(wiring.NewCatalog, key, s.TempDir)));
    }
}
