using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorBlog.Configuration;

/// <summary>Durations as an operator writes them in HOCON: 90s, 15m, 1h, 1d.</summary>
public static partial class Durations
{
    /// <summary>What the messages say an operator may write.</summary>
    public const string AcceptedForms = "a number and a unit: ms, s, m, h or d (e.g. 500ms, 30s, 15m, 1h, 1d)";

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)\s*(?<unit>ms|s|m|h|d|milliseconds?|seconds?|minutes?|hours?|days?)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>
    /// A duration with its unit. A bare number is refused: HOCON (and Akka) would read it as
    /// milliseconds, so <c>interval = 90</c> would back up every 90 ms.
    /// </summary>
    /// <returns>The duration, or null with <paramref name="problem"/> saying what is wrong.</returns>
    public static TimeSpan? Parse(string raw, out string problem)
    {
        var text = raw.Trim();
        problem = "";
        var match = Pattern().Match(text);
        if (match.Success)
        {
            var n = double.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
            var unit = match.Groups["unit"].Value.ToLowerInvariant();
            var ms = unit switch
            {
                "ms" or "millisecond" or "milliseconds" => n,
                "s" or "second" or "seconds" => n * 1000,
                "m" or "minute" or "minutes" => n * 60_000,
                "h" or "hour" or "hours" => n * 3_600_000,
                _ => n * 86_400_000,
            };
            if (ms < TimeSpan.MaxValue.TotalMilliseconds / 2) return TimeSpan.FromMilliseconds(ms);
            problem = $"'{text}' is too long";
            return null;
        }
        problem = text.StartsWith('-') ? $"'{text}' must be a positive duration"
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? $"'{text}' has no unit; write {AcceptedForms}"
            : $"'{text}' is not a duration; write {AcceptedForms}";
        return null;
    }

    public static string Format(TimeSpan t)
    {
        static string F(double v, string unit) => v.ToString("0.###", CultureInfo.InvariantCulture) + unit;
        if (t.TotalDays >= 1 && t.Ticks % TimeSpan.TicksPerDay == 0) return F(t.TotalDays, "d");
        if (t.TotalHours >= 1 && t.Ticks % TimeSpan.TicksPerHour == 0) return F(t.TotalHours, "h");
        if (t.TotalMinutes >= 1 && t.Ticks % TimeSpan.TicksPerMinute == 0) return F(t.TotalMinutes, "m");
        if (t.Ticks % TimeSpan.TicksPerSecond == 0) return F(t.TotalSeconds, "s");
        return F(t.TotalMilliseconds, "ms");
    }
}
