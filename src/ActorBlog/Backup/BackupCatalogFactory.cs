using ActorBlog.Backup.Targets;
using ActorBlog.Configuration;

namespace ActorBlog.Backup;

/// <summary>Turns settings and secrets into the configured target's catalog.</summary>
public static class BackupCatalogFactory
{
    public static BackupCatalog Create(BackupSettings settings, Secrets secrets, Action<string, Exception>? onUnreadableManifest = null)
    {
        if (settings.Target == BackupTargetKind.File)
            return new BackupCatalog(new FileBackupTarget(settings.FilePath), "", onUnreadableManifest);

        var s3 = settings.S3 with { AccessKey = secrets.SpacesKey, SecretKey = secrets.SpacesSecret };
        return new BackupCatalog(new S3BackupTarget(s3), s3.Prefix, onUnreadableManifest);
    }
}
