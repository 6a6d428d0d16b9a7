using ActorBlog.Backup.Restore;

namespace ActorBlog.Tests.Backup.Restore;

public sealed class PointInTimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2h ago", "2026-11-26T10:00:00Z")]
    [InlineData("30m ago", "2026-11-26T11:30:00Z")]
    [InlineData("1d ago", "2026-11-25T12:00:00Z")]
    [InlineData("90 minutes ago", "2026-11-26T10:30:00Z")]
    [InlineData("45s ago", "2026-11-26T11:59:15Z")]
    [InlineData("1w ago", "2026-11-19T12:00:00Z")]
    [InlineData("2026-11-26T09:15:00Z", "2026-11-26T09:15:00Z")]
    [InlineData("2026-11-26T11:15:00+02:00", "2026-11-26T09:15:00Z")]
    [InlineData("2026-11-26T09:15:00", "2026-11-26T09:15:00Z")]
    [InlineData("2026-11-26T09:15:00.123Z", "2026-11-26T09:15:00.123Z")]
    [InlineData("2026-11-26", "2026-11-26T00:00:00Z")]
    public void Parses_iso_8601_and_relative_times(string text, string expected)
    {
        Assert.True(PointInTime.TryParse(text, Now, out var instant));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), instant);
        Assert.Equal(TimeSpan.Zero, instant.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2h")]
    [InlineData("2 fortnights ago")]
    [InlineData("-2h ago")]
    [InlineData("11/26/2026")]
    [InlineData("2026-13-40T00:00:00Z")]
    [InlineData("999999999d ago")]
    public void Rejects_anything_else(string text)
    {
        Assert.False(PointInTime.TryParse(text, Now, out _));
        var e = Assert.Throws<FormatException>(() => PointInTime.Parse(text, Now));
        Assert.Contains("2h ago", e.Message);
    }
}
