using System.Globalization;

namespace ActorBlog.Configuration;

/// <summary>Durations as an operator writes them in HOCON: 90s, 15m, 1h, 1d.</summary>
public static class Durations
{
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
