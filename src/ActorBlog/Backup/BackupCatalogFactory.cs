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

        var s3 = settings.S3 with { AccessKey = secrets.SpacesKey, SecretKey = secrets.SpacesSecret };
        return new BackupCatalog(wrap(new S3BackupTarget(s3)), s3.Prefix, onUnreadableManifest);
    }
}
