using Akka.Configuration;

namespace ActorBlog.Configuration;

public enum LogThreshold { Debug, Info, Warning, Error }

/// <summary>Which requests get a log line: every one, only those answered 4xx/5xx (or that threw), or none.</summary>
public enum RequestLogging { All, Errors, Off }

public enum LogFormat { Text, Json }

/// <summary>What the program logs and how, from <c>actorblog.log</c>. Built once from HOCON.</summary>
public sealed record LogSettings(LogThreshold Level, RequestLogging Requests, LogFormat Format)
{
    public static readonly LogSettings Default = new(LogThreshold.Info, RequestLogging.All, LogFormat.Text);

    public static LogSettings Create(Config config)
    {
        const string p = "actorblog.log";
        return new LogSettings(
            OneOf<LogThreshold>(config, $"{p}.level", "debug, info, warning or error"),
            OneOf<RequestLogging>(config, $"{p}.requests", "all, errors or off"),
            OneOf<LogFormat>(config, $"{p}.format", "text or json"));
    }

    private static T OneOf<T>(Config config, string key, string expected) where T : struct, Enum
    {
        var raw = HoconReader.String(config, key).Trim();
        // Enum.TryParse would also take numbers ("2") and odd casing of names we never document.
        var match = Enum.GetValues<T>().Where(v => string.Equals(v.ToString(), raw, StringComparison.OrdinalIgnoreCase)).ToList();
        if (match.Count == 1) return match[0];
        throw new SettingsException(key, $"'{raw}' is not one of {expected}");
    }
}
