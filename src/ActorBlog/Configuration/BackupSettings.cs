using ActorBlog.Backup.Retention;
using ActorBlog.Backup.Targets;
using Akka.Configuration;

namespace ActorBlog.Configuration;

public enum BackupTargetKind { File, S3 }

/// <summary>Everything the backup pipeline needs, read and checked once at start-up.</summary>
public sealed record BackupSettings
{
    /// <summary>The shortest interval (backups, drills) a setting may ask for; actorblog.conf says so too.</summary>
    public static readonly TimeSpan IntervalFloor = TimeSpan.FromSeconds(1);

    public required bool Enabled { get; init; }
    public required TimeSpan Interval { get; init; }
    public required BackupTargetKind Target { get; init; }
    public required bool RestoreIfMissing { get; init; }
    public required int CompressionLevel { get; init; }
    public required bool VerifyAfterUpload { get; init; }
    public required string TempDir { get; init; }
    public required TimeSpan StepTimeout { get; init; }
    public required string FilePath { get; init; }
    /// <summary>The bucket and how to reach it; its keys stay null here (secrets come in only where the client is made).</summary>
    public required S3TargetOptions S3 { get; init; }
    public required RetentionRules Retention { get; init; }
    public required SupervisionSettings Supervision { get; init; }
    /// <summary>Null when drills are off.</summary>
    public required TimeSpan? DrillInterval { get; init; }

    public string TargetName => Target == BackupTargetKind.S3 ? "s3" : "file";

    /// <summary>
    /// Which store the backups go to: kind, folder, or endpoint, bucket and prefix (never a
    /// credential). The scheduler's history belongs to one of these; a change starts it afresh.
    /// </summary>
    public string TargetIdentity => Target == BackupTargetKind.S3
        ? $"s3://{S3.Bucket}/{S3.Prefix} at {S3.Endpoint ?? "AWS"}"
        : $"file {FilePath}";

    public static BackupSettings Create(Config config, BlogSettings blog)
    {
        const string p = "actorblog.backup";
        var targetName = HoconReader.String(config, $"{p}.target").Trim().ToLowerInvariant();
        var target = targetName switch
        {
            "file" => BackupTargetKind.File,
            "s3" => BackupTargetKind.S3,
            _ => throw new SettingsException($"{p}.target", $"unknown target '{targetName}' (expected file or s3)"),
        };
        // zstd is the only codec (the manifest names it); the key stays so a file that sets it still starts.
        var compression = HoconReader.String(config, $"{p}.compression").Trim().ToLowerInvariant();
        if (compression != "zstd")
            throw new SettingsException($"{p}.compression", $"unknown compression '{compression}' (expected zstd)");

        var endpoint = HoconReader.String(config, $"{p}.s3.endpoint", allowEmpty: true).Trim();
        if (endpoint.Length > 0 && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
            throw new SettingsException($"{p}.s3.endpoint", $"'{endpoint}' is not an absolute URL");
        var s3 = new S3TargetOptions(
            endpoint.Length == 0 ? null : endpoint,
            HoconReader.String(config, $"{p}.s3.region"),
            HoconReader.String(config, $"{p}.s3.bucket", allowEmpty: true).Trim(),
            HoconReader.String(config, $"{p}.s3.prefix", allowEmpty: true).Trim('/', ' '),
            HoconReader.Bool(config, $"{p}.s3.force-path-style"),
            AccessKey: null,
            SecretKey: null)
        {
            Timeout = HoconReader.Duration(config, $"{p}.s3.timeout"),
            MaxErrorRetry = HoconReader.Int(config, $"{p}.s3.max-error-retry", 0, 20),
        };
        if (target == BackupTargetKind.S3 && s3.Bucket.Length == 0)
            throw new SettingsException($"{p}.s3.bucket", "is required when the target is s3 (or set SPACES_BUCKET)");

        return new BackupSettings
        {
            Enabled = HoconReader.Bool(config, $"{p}.enabled"),
            Interval = HoconReader.Duration(config, $"{p}.interval", IntervalFloor),
            Target = target,
            RestoreIfMissing = HoconReader.Bool(config, $"{p}.restore-if-missing"),
            CompressionLevel = HoconReader.Int(config, $"{p}.compression-level", 1, 19),
            VerifyAfterUpload = HoconReader.Bool(config, $"{p}.verify-after-upload"),
            TempDir = HoconReader.Path(config, $"{p}.temp-dir", blog.DataDir),
            StepTimeout = HoconReader.Duration(config, $"{p}.step-timeout"),
            FilePath = HoconReader.Path(config, $"{p}.file.path", blog.DataDir),
            S3 = s3,
            Retention = new RetentionRules(
                HoconReader.Int(config, $"{p}.retention.keep-last", 1, 100_000),
                HoconReader.Int(config, $"{p}.retention.keep-daily", 0, 100_000),
                HoconReader.Int(config, $"{p}.retention.keep-weekly", 0, 100_000),
                HoconReader.Int(config, $"{p}.retention.keep-monthly", 0, 100_000)),
            Supervision = SupervisionSettings.Create(config),
            DrillInterval = HoconReader.DurationOrOff(config, $"{p}.drill.interval", IntervalFloor),
        };
    }
}
