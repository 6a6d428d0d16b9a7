using ActorBlog.Backup.Retention;
using ActorBlog.Backup.Targets;
using ActorBlog.Configuration;

namespace ActorBlog.Backup;

/// <summary>Turns settings and secrets into the configured target's catalog.</summary>
public static class BackupCatalogFactory
{
    /// <param name="wrap">Put around the target, e.g. by the CLI to show progress.</param>
    public static BackupCatalog Create(BackupSettings settings, Secrets secrets, Action<string, Exception>? onUnreadableManifest = null,
        Func<IBackupTarget, IBackupTarget>? wrap = null)
    {
        wrap ??= target => target;
        if (settings.Target == BackupTargetKind.File)
            return new BackupCatalog(wrap(new FileBackupTarget(settings.FilePath)), "", onUnreadableManifest);

        var s3 = settings.S3;
        var target = new S3BackupTarget(new S3TargetOptions(s3.Endpoint, s3.Region, s3.Bucket, s3.Prefix, s3.ForcePathStyle,
            secrets.SpacesKey, secrets.SpacesSecret) { Timeout = s3.Timeout, MaxErrorRetry = s3.MaxErrorRetry });
        return new BackupCatalog(wrap(target), s3.Prefix, onUnreadableManifest);
    }

    public static RetentionRules Rules(this RetentionSettings r) => new(r.KeepLast, r.KeepDaily, r.KeepWeekly, r.KeepMonthly);
}
