using ActorBlog.Backup;
using ActorBlog.Backup.Restore;

namespace ActorBlog.Host;

/// <summary>
/// <c>actorblog.backup.restore-if-missing</c>: a host that finds no database restores the newest good
/// backup before it serves. A corrupt backup is logged as an error and the next older one tried; a
/// target with no backups means a new blog. Anything else (no key, unreachable target, no good
/// backup at all) stops start-up: serving an empty blog over a lost one would hide the loss.
/// </summary>
public static class RestoreAtBoot
{
    public static void Run(BlogHostOptions options, Serilog.ILogger logger)
    {
        var path = options.Blog.DatabasePath;
        if (File.Exists(path)) return;
        if (!options.Backup.RestoreIfMissing)
        {
            logger.Information("No database at {Path}: starting a new blog", path);
            return;
        }

        var catalog = BackupCatalogFactory.Create(options.Backup, options.Secrets,
            (key, e) => logger.Warning("Skipped unreadable backup manifest {Key}: {Error}", key, e.Message));
        try
        {
            var backups = catalog.ListAsync(CancellationToken.None).GetAwaiter().GetResult();
            if (backups.Count == 0)
            {
                logger.Warning("No database at {Path} and no backups in {Target}: starting a new blog", path, catalog.Target.Describe());
                return;
            }

            logger.Information("No database at {Path}: restoring the newest good backup from {Target} before serving", path, catalog.Target.Describe());
            var started = System.Diagnostics.Stopwatch.StartNew();
            var restorer = new Restorer(catalog, options.Secrets.BackupKey, line => logger.Information("{Restore}", line));
            var outcome = restorer.RestoreAsync(BackupSelection.Newest, path, RestoreMode.NewestGood, force: false, CancellationToken.None)
                .GetAwaiter().GetResult();
            foreach (var rejected in outcome.Rejected)
                logger.Error("Passed over damaged backup {Id}: {Reason}", rejected.Backup.Id, rejected.Reason);
            var r = outcome.Restored;
            logger.Information("Restored backup {Id} (revision {Revision}, committed at {CommittedAt}, {Commits} commit(s) after the backup, {PostCount} posts, {Bytes} bytes) to {Path} in {Seconds:0.0}s",
                r.Backup.Id, r.Revision, r.CommittedAt ?? r.Backup.CreatedAt, r.Transactions, r.PostCount, r.SizeBytes, path, started.Elapsed.TotalSeconds);
        }
        catch (Exception e)
        {
            throw new RestoreException($"restore-if-missing: no database at {path} and restoring one failed: {BackupErrors.Describe(e)}", e);
        }
    }
}
