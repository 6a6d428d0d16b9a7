using Akka.Configuration;

namespace ActorBlog.Configuration;

/// <summary>
/// Typed reads from HOCON that fail with a <see cref="SettingsException"/> naming the key,
/// so a bad value stops start-up with one clear line instead of a stack trace.
/// </summary>
internal static class HoconReader
{
    public static string String(Config c, string key, bool allowEmpty = false)
    {
        var value = Read(c, key, () => c.GetString(key, null));
        if (value is null) throw new SettingsException(key, "missing");
        if (!allowEmpty && string.IsNullOrWhiteSpace(value)) throw new SettingsException(key, "must not be empty");
        return value;
    }

    public static bool Bool(Config c, string key) => Read(c, key, () =>
    {
        var raw = c.GetString(key, null)?.Trim().ToLowerInvariant();
        return raw switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            _ => throw new SettingsException(key, $"'{raw}' is not on/off"),
        };
    });

    public static int Int(Config c, string key, int min, int max)
    {
        var raw = String(c, key);
        if (!int.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value))
            throw new SettingsException(key, $"'{raw}' is not a whole number");
        if (value < min || value > max) throw new SettingsException(key, $"{value} is outside {min}..{max}");
        return value;
    }

    public static long Long(Config c, string key, long min, long max)
    {
        var raw = String(c, key);
        if (!long.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value))
            throw new SettingsException(key, $"'{raw}' is not a whole number");
        if (value < min || value > max) throw new SettingsException(key, $"{value} is outside {min}..{max}");
        return value;
    }

    public static double Double(Config c, string key, double min, double max)
    {
        var raw = String(c, key);
        if (!double.TryParse(raw, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value))
            throw new SettingsException(key, $"'{raw}' is not a number");
        if (value < min || value > max) throw new SettingsException(key, $"{value} is outside {min}..{max}");
        return value;
    }

    /// <summary>A positive duration with its unit, such as <c>30s</c> or <c>1h</c>, no shorter than <paramref name="floor"/>.</summary>
    public static TimeSpan Duration(Config c, string key, TimeSpan? floor = null)
    {
        var raw = String(c, key);
        var value = Durations.Parse(raw, out var problem) ?? throw new SettingsException(key, problem);
        if (value <= TimeSpan.Zero) throw new SettingsException(key, $"'{raw.Trim()}' must be a positive duration");
        if (value < floor) throw new SettingsException(key, $"'{raw.Trim()}' is shorter than the floor of {Durations.Format(floor.Value)}");
        return value;
    }

    /// <summary>A duration, or <c>off</c> for none.</summary>
    public static TimeSpan? DurationOrOff(Config c, string key, TimeSpan? floor = null)
    {
        var raw = String(c, key).Trim().ToLowerInvariant();
        return raw is "off" or "false" or "no" ? null : Duration(c, key, floor);
    }

    /// <summary>Resolves a path against <paramref name="baseDir"/> unless it is absolute.</summary>
    public static string Path(Config c, string key, string baseDir) =>
        System.IO.Path.GetFullPath(String(c, key), baseDir);

    private static T Read<T>(Config c, string key, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (SettingsException)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new SettingsException(key, e.Message.Split('\n')[0].Trim());
        }
    }
}
