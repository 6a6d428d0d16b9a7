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
            OneOf(config, $"{p}.level",
                ("debug", LogThreshold.Debug), ("info", LogThreshold.Info), ("warning", LogThreshold.Warning), ("error", LogThreshold.Error)),
            OneOf(config, $"{p}.requests",
                ("all", RequestLogging.All), ("errors", RequestLogging.Errors), ("off", RequestLogging.Off)),
            OneOf(config, $"{p}.format", ("text", LogFormat.Text), ("json", LogFormat.Json)));
    }

    /// <summary>
    /// The documented names, spelled out: Enum.TryParse would also take numbers ("2"), and reading
    /// the names off the enum (Enum.GetValues, ToString) reflects over it, ~10 ms of every command's start-up.
    /// </summary>
    private static T OneOf<T>(Config config, string key, params ReadOnlySpan<(string Name, T Value)> choices)
    {
        var raw = HoconReader.String(config, key).Trim();
        foreach (var (name, value) in choices)
            if (string.Equals(name, raw, StringComparison.OrdinalIgnoreCase)) return value;
        throw new SettingsException(key, $"'{raw}' is not one of {Listed(choices)}");
    }

    /// <summary>"a, b or c".</summary>
    private static string Listed<T>(ReadOnlySpan<(string Name, T Value)> choices)
    {
        var names = new string[choices.Length];
        for (var i = 0; i < names.Length; i++) names[i] = choices[i].Name;
        return names.Length == 1 ? names[0] : string.Join(", ", names[..^1]) + " or " + names[^1];
    }
}
