using ActorBlog.Configuration;

namespace ActorBlog.Backup;

/// <summary>
/// Standing risks to the backups that are not failures, found once at start: the host logs each
/// as one warning line and the backup state lists them. Today there is one: backups kept on the
/// database's own filesystem, which a lost disk (or <c>rm -rf data</c>) takes with the database.
/// </summary>
public static class BackupWarnings
{
    public static IReadOnlyList<string> For(BackupSettings settings, string databasePath)
    {
        if (settings.Target != BackupTargetKind.File) return [];
        var database = Filesystems.DeviceOf(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        var backups = Filesystems.DeviceOf(settings.FilePath);
        if (database is null || database != backups) return [];
        return [$"backups are kept on the database's own disk ({settings.FilePath}): a lost disk loses both. " +
                "Set actorblog.backup.file.path to a folder on another disk, or ACTORBLOG_BACKUP_TARGET=s3."];
    }
}

/// <summary>Which filesystem a path lives on, from the kernel's mount table (Linux; elsewhere unknown).</summary>
public static class Filesystems
{
    private const string MountInfo = "/proc/self/mountinfo";

    /// <summary>
    /// The device (<c>major:minor</c>) of the filesystem that holds <paramref name="path"/>, or of its
    /// nearest existing parent when it does not exist yet; null when that cannot be told.
    /// </summary>
    public static string? DeviceOf(string path)
    {
        if (!File.Exists(MountInfo)) return null;
        var existing = NearestExisting(Path.GetFullPath(path));
        if (existing is null) return null;
        string? device = null;
        var longest = -1;
        foreach (var line in File.ReadLines(MountInfo))
        {
            // id parent major:minor root mount-point options ... (proc(5)); spaces in names are \040.
            var fields = line.Split(' ');
            if (fields.Length < 5) continue;
            var mountPoint = Unescape(fields[4]);
            if (!IsUnder(existing, mountPoint) || mountPoint.Length < longest) continue;
            longest = mountPoint.Length; // the last of equal mount points is the one on top
            device = fields[2];
        }
        return device;
    }

    private static string? NearestExisting(string path)
    {
        for (var dir = path; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (Directory.Exists(dir)) return ResolveLinks(dir);
        }
        return null;
    }

    // A symlinked data folder lives where its target does.
    private static string ResolveLinks(string dir) =>
        new DirectoryInfo(dir).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dir;

    private static bool IsUnder(string path, string mountPoint) =>
        mountPoint == "/" || path == mountPoint || path.StartsWith(mountPoint.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static string Unescape(string field) =>
        System.Text.RegularExpressions.Regex.Replace(field, @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());
}
