using Akka.Configuration;

namespace ActorBlog.Configuration;

public enum ReplicationMode { Off, Async, Sync }

/// <summary><c>actorblog.replication.*</c>: shipping each commit between backups (PRODUCT.md section 7).</summary>
/// <param name="MaxPendingBytes">Unshipped changes held in memory while the target fails; beyond this they are dropped and a new base is taken.</param>
/// <param name="CheckpointPages">The writer folds the WAL into the file (PASSIVE) after this many new frames.</param>
public sealed record ReplicationSettings(ReplicationMode Mode, TimeSpan Interval, long MaxPendingBytes, int CheckpointPages)
{
    public static readonly ReplicationSettings Off = new(ReplicationMode.Off, TimeSpan.FromSeconds(1), 64L << 20, 1000);

    public string ModeName => Mode.ToString().ToLowerInvariant();

    /// <summary>Replication continues the backups; with backups off there is no base, so it is off too.</summary>
    public static ReplicationSettings Create(Config config, BackupSettings backup)
    {
        const string p = "actorblog.replication";
        var name = HoconReader.String(config, $"{p}.mode").Trim().ToLowerInvariant();
        var mode = name switch
        {
            "off" => ReplicationMode.Off,
            "async" => ReplicationMode.Async,
            "sync" => ReplicationMode.Sync,
            _ => throw new SettingsException($"{p}.mode", $"unknown mode '{name}' (expected off, async or sync)"),
        };
        var settings = new ReplicationSettings(
            mode,
            HoconReader.Duration(config, $"{p}.interval"),
            HoconReader.Int(config, $"{p}.max-pending-mb", 1, 4096) * (1L << 20),
            HoconReader.Int(config, $"{p}.checkpoint-pages", 100, 1_000_000));
        return backup.Enabled ? settings : settings with { Mode = ReplicationMode.Off };
    }
}
