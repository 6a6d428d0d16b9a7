using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorBlog.Backup.Restore;

/// <summary>
/// Reads the TIME of <c>restore --at TIME</c>: an ISO-8601 instant (a time without offset is UTC)
/// or a relative one such as <c>2h ago</c>, <c>30m ago</c>, <c>1d ago</c>, <c>90 minutes ago</c>.
/// Pure: "now" is passed in.
/// </summary>
public static partial class PointInTime
{
    public static bool TryParse(string? text, DateTimeOffset now, out DateTimeOffset instant)
    {
        instant = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var trimmed = text.Trim();

        var relative = RelativeTime().Match(trimmed);
        if (relative.Success)
        {
            if (!long.TryParse(relative.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return false;
            var unit = UnitOf(relative.Groups["unit"].Value.ToLowerInvariant());
            if (unit is null) return false;
            try
            {
                instant = now - TimeSpan.FromTicks(checked(n * unit.Value.Ticks));
                return true;
            }
            catch (Exception e) when (e is OverflowException or ArgumentOutOfRangeException)
            {
                return false;
            }
        }

        // Only ISO-8601 shapes: a date, then optionally 'T' and a time, optionally an offset or Z.
        if (!IsoShape().IsMatch(trimmed)) return false;
        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out instant);
    }

    /// <summary>Throws <see cref="FormatException"/> naming the accepted forms.</summary>
    public static DateTimeOffset Parse(string? text, DateTimeOffset now) =>
        TryParse(text, now, out var instant)
            ? instant
            : throw new FormatException($"'{text}' is not a time: use ISO-8601 (2026-11-26T12:00:00Z) or a relative time such as '2h ago', '30m ago', '1d ago'");

    private static TimeSpan? UnitOf(string unit) => unit switch
    {
        "s" or "sec" or "secs" or "second" or "seconds" => TimeSpan.FromSeconds(1),
        "m" or "min" or "mins" or "minute" or "minutes" => TimeSpan.FromMinutes(1),
        "h" or "hr" or "hrs" or "hour" or "hours" => TimeSpan.FromHours(1),
        "d" or "day" or "days" => TimeSpan.FromDays(1),
        "w" or "week" or "weeks" => TimeSpan.FromDays(7),
        _ => null,
    };

    [GeneratedRegex(@"^(?<n>\d{1,9})\s*(?<unit>[a-zA-Z]+)\s+ago$")]
    private static partial Regex RelativeTime();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?)?(Z|[+-]\d{2}:?\d{2})?$", RegexOptions.IgnoreCase)]
    private static partial Regex IsoShape();
}
