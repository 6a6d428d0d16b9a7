using System.Collections;
using System.Text;
using Akka.Configuration;

namespace ActorBlog.Configuration;

/// <summary>
/// Layers the configuration: environment overrides over the operator's file over the shipped
/// defaults. The result holds both <c>actorblog.*</c> and <c>akka.*</c>, so Akka sees the
/// operator's tuning too.
/// </summary>
public static class ActorBlogConfig
{
    public const string DefaultsFileName = "actorblog.conf";

    /// <summary>Environment variables that override a key of the file (secrets are read elsewhere, never merged into config).</summary>
    public static readonly IReadOnlyDictionary<string, string> EnvironmentOverrides = new Dictionary<string, string>
    {
        ["SPACES_ENDPOINT"] = "actorblog.backup.s3.endpoint",
        ["SPACES_REGION"] = "actorblog.backup.s3.region",
        ["SPACES_BUCKET"] = "actorblog.backup.s3.bucket",
        ["ACTORBLOG_BACKUP_TARGET"] = "actorblog.backup.target",
        ["ACTORBLOG_BACKUP_INTERVAL"] = "actorblog.backup.interval",
        ["ACTORBLOG_REPLICATION_MODE"] = "actorblog.replication.mode",
    };

    public static string DefaultsPath => Path.Combine(AppContext.BaseDirectory, "config", DefaultsFileName);

    /// <param name="operatorFile">The operator's HOCON file, or null.</param>
    /// <param name="environment">Usually <see cref="Environment.GetEnvironmentVariables()"/>.</param>
    public static Config Load(string? operatorFile, IDictionary environment, string? defaultsPath = null)
    {
        defaultsPath ??= DefaultsPath;
        if (!File.Exists(defaultsPath))
            throw new SettingsException("config", $"the shipped defaults are missing at {defaultsPath}");
        var config = Parse(File.ReadAllText(defaultsPath), defaultsPath);

        if (!string.IsNullOrWhiteSpace(operatorFile))
        {
            if (!File.Exists(operatorFile))
                throw new SettingsException("--config", $"no such file: {operatorFile}");
            var operatorConfig = Parse(File.ReadAllText(operatorFile), operatorFile);
            new KnownKeys(config).Check(operatorConfig, operatorFile);
            config = operatorConfig.WithFallback(config);
        }

        // One parse for all overrides (their keys differ, so layering them one by one gave the same result).
        var overrides = new StringBuilder();
        string? first = null;
        foreach (var (variable, key) in EnvironmentOverrides)
        {
            if (environment[variable] is not string { Length: > 0 } value) continue;
            first ??= variable;
            overrides.Append(key).Append(" = ").Append(Quoted(value)).Append('\n');
        }
        return first is null ? config : Parse(overrides.ToString(), first).WithFallback(config);
    }

    /// <summary>
    /// A HOCON quoted string holding exactly <paramref name="value"/>. Written by hand, not by
    /// JsonSerializer: its first use costs every CLI command tens of milliseconds of start-up.
    /// </summary>
    internal static string Quoted(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\') quoted.Append('\\').Append(c);
            else if (c < ' ' || char.IsSurrogate(c) || c == '\u007f') quoted.Append($"\\u{(int)c:x4}");
            else quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }

    /// <summary>The variable that overrode <paramref name="key"/>, if one did: a message about the key should name it.</summary>
    public static string? OverriddenBy(string key, IDictionary environment) =>
        EnvironmentOverrides.FirstOrDefault(o => o.Value == key && environment[o.Key] is string { Length: > 0 }).Key;

    private static Config Parse(string hocon, string source)
    {
        // Akka's parser takes almost any text and drops what it cannot read; check the structure first.
        if (HoconSyntax.FirstError(hocon) is { } error) throw new SettingsException(source, "not valid HOCON at " + error);
        try
        {
            return ConfigurationFactory.ParseString(hocon);
        }
        catch (Exception e)
        {
            throw new SettingsException(source, "not valid HOCON: " + e.Message.Split('\n')[0].Trim());
        }
    }
}
