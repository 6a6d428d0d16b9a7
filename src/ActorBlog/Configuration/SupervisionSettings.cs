using Akka.Configuration;

namespace ActorBlog.Configuration;

/// <summary>Backoff for restarting a failed backup actor (Akka's BackoffSupervisor options).</summary>
public sealed record SupervisionSettings(int MaxRetries, TimeSpan Within, TimeSpan MinBackoff, TimeSpan MaxBackoff, double RandomFactor)
{
    public static SupervisionSettings Create(Config config)
    {
        const string p = "actorblog.backup.supervision";
        var settings = new SupervisionSettings(
            HoconReader.Int(config, $"{p}.max-retries", 0, 1_000_000),
            HoconReader.Duration(config, $"{p}.within"),
            HoconReader.Duration(config, $"{p}.min-backoff"),
            HoconReader.Duration(config, $"{p}.max-backoff"),
            HoconReader.Double(config, $"{p}.random-factor", 0, 1));
        if (settings.MaxBackoff < settings.MinBackoff)
            throw new SettingsException($"{p}.max-backoff", "must not be shorter than min-backoff");
        return settings;
    }
}
