using System.Diagnostics;
using ActorBlog.Backup.Scheduling;
using Akka.Actor;

namespace ActorBlog.Backup.Restore;

/// <summary>
/// Proves the newest verified backup still restores: downloads it into a private temp file exactly
/// as <c>restore</c> would (checksum, decryption, integrity_check, revision and post count against
/// the manifest), brings it forward by its change objects, checks it reaches the revision they say
/// the target holds, then deletes the file. Answers every <see cref="RunDrill"/> with a <see cref="DrillOutcome"/>.
/// </summary>
public sealed class RestoreDrillActor : ReceiveActor
{
    public sealed record RunDrill
    {
        public static readonly RunDrill Instance = new();
    }

    public sealed record Options(Func<BackupCatalog> Catalog, byte[]? Key, string TempDir);

    public RestoreDrillActor(Options options)
    {
        var catalog = options.Catalog();
        var restorer = new Restorer(catalog, options.Key);

        Receive<RunDrill>(_ =>
        {
            var at = Context.System.Scheduler.Now;
            DrillAsync(catalog, restorer, options.TempDir, at).PipeTo(Sender, Self,
                failure: e => new DrillOutcome(at, null, false, 0, BackupErrors.Describe(e)));
        });
    }

    public static Props Props(Options options) => Akka.Actor.Props.Create(() => new RestoreDrillActor(options));

    private static async Task<DrillOutcome> DrillAsync(BackupCatalog catalog, Restorer restorer, string tempDir, DateTimeOffset at)
    {
        var clock = Stopwatch.StartNew();
        // The newest backup and every change that continues it, as `restore` would bring them back.
        if (await restorer.NewestAsync(CancellationToken.None).ConfigureAwait(false) is not var (newest, changes, reaches))
            return new DrillOutcome(at, null, false, clock.ElapsedMilliseconds, "no backup to restore");

        var path = TempFiles.PathFor(TempFiles.EnsurePrivateDirectory(tempDir), newest.Id + ".drill.db");
        try
        {
            var restored = await restorer.RestoreWithChangesAsync(newest, changes, null, path, CancellationToken.None).ConfigureAwait(false);
            return restored.Revision == reaches
                ? new DrillOutcome(at, newest.Id, true, clock.ElapsedMilliseconds, null)
                : new DrillOutcome(at, newest.Id, false, clock.ElapsedMilliseconds,
                    $"restored revision {restored.Revision}, but the target says it holds revision {reaches}");
        }
        catch (Exception e)
        {
            return new DrillOutcome(at, newest.Id, false, clock.ElapsedMilliseconds, BackupErrors.Describe(e));
        }
        finally
        {
            TempFiles.DeleteQuietly(path, path + "-journal", path + "-wal", path + "-shm");
        }
    }
}
