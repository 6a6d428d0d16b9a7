using System.Diagnostics;
using ActorBlog.Backup.Scheduling;
using Akka.Actor;

namespace ActorBlog.Backup.Restore;

/// <summary>
/// Proves the newest verified backup still restores: downloads it into a private temp file exactly
/// as <c>restore</c> would (checksum, decryption, integrity_check, revision and post count against
/// the manifest), brings it forward by its change objects, checks it reaches the revision they say
/// the target holds, then deletes the file. Answers every <see cref="RunDrill"/> with a <see cref="DrillOutcome"/>.
/// A drill still running when the actor stops is cancelled; the store client it made is disposed.
/// </summary>
public sealed class RestoreDrillActor : ReceiveActor
{
    public sealed record RunDrill
    {
        public static readonly RunDrill Instance = new();
    }

    public sealed record Options(Func<BackupCatalog> Catalog, byte[]? Key, string TempDir);

    private const string DrillJob = "drill";
    private readonly StepWork _work = new();
    private readonly BackupCatalog _catalog;

    public RestoreDrillActor(Options options)
    {
        _catalog = options.Catalog();
        var restorer = new Restorer(_catalog, options.Key);

        Receive<RunDrill>(_ =>
        {
            var at = Context.System.Scheduler.Now;
            _work.Run(Self, Sender, DrillJob,
                async ct => await DrillAsync(_catalog, restorer, options.TempDir, at, ct),
                e => new DrillOutcome(at, null, false, 0, BackupErrors.Describe(e)));
        });
        Receive<StepWork.Done>(done => done.ReplyTo.Tell(_work.End(done)));
    }

    public static Props Props(Options options) => Akka.Actor.Props.Create(() => new RestoreDrillActor(options));

    protected override void PostStop()
    {
        _work.Dispose();
        _catalog.Dispose();
    }

    private static async Task<DrillOutcome> DrillAsync(BackupCatalog catalog, Restorer restorer, string tempDir, DateTimeOffset at, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        // The newest backup and every change that continues it, as `restore` would bring them back.
        if (await restorer.NewestAsync(ct).ConfigureAwait(false) is not var (newest, changes, reaches))
            return new DrillOutcome(at, null, false, clock.ElapsedMilliseconds, "no backup to restore");

        var path = TempFiles.PathFor(TempFiles.EnsurePrivateDirectory(tempDir), newest.Id + ".drill.db");
        try
        {
            var restored = await restorer.RestoreWithChangesAsync(newest, changes, null, path, ct).ConfigureAwait(false);
            return restored.Revision == reaches
                ? new DrillOutcome(at, newest.Id, true, clock.ElapsedMilliseconds, null)
                : new DrillOutcome(at, newest.Id, false, clock.ElapsedMilliseconds,
                    $"restored revision {restored.Revision}, but the target says it holds revision {reaches}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new DrillOutcome(at, newest.Id, false, clock.ElapsedMilliseconds, BackupErrors.Describe(e));
        }
        finally
        {
            TempFiles.DeleteQuietly(path, path + "-journal", path + "-wal", path + "-shm");
        }
    }
}
