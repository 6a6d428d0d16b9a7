using System.Text.RegularExpressions;
using ActorBlog.Backup;

namespace ActorBlog.Tests.Backup;

public sealed class BackupNamingTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 12, 26, 43, 123, TimeSpan.Zero);

    [Fact]
    public void An_id_is_the_utc_time_and_six_random_hex_digits()
    {
        var id = BackupNaming.NewId(At.ToOffset(TimeSpan.FromHours(5)));

        Assert.Matches(new Regex("^20261126T122643123Z-[0-9a-f]{6}$"), id);
        Assert.Equal(At, BackupNaming.ParseIdTime(id));
    }

    [Fact]
    public void Ids_made_in_the_same_millisecond_differ()
    {
        var ids = Enumerable.Range(0, 50).Select(_ => BackupNaming.NewId(At)).ToHashSet();
        Assert.True(ids.Count >= 49, $"only {ids.Count} distinct ids out of 50");
    }

    [Fact]
    public void Ids_sort_by_time()
    {
        var times = new[] { At.AddDays(-400), At.AddSeconds(-1), At, At.AddMilliseconds(1), At.AddYears(1) };
        var ids = times.Select(BackupNaming.NewId).ToList();
        Assert.Equal(ids, ids.OrderBy(i => i, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("", "2026/11/26/20261126T122643123Z-0a1b2c")]
    [InlineData("blog", "blog/2026/11/26/20261126T122643123Z-0a1b2c")]
    [InlineData("/blog/prod/", "blog/prod/2026/11/26/20261126T122643123Z-0a1b2c")]
    public void Keys_live_in_a_day_folder_under_the_prefix(string prefix, string stem)
    {
        const string id = "20261126T122643123Z-0a1b2c";
        Assert.Equal(stem + ".db.zst", BackupNaming.DataKey(prefix, id, encrypted: false));
        Assert.Equal(stem + ".db.zst.enc", BackupNaming.DataKey(prefix, id, encrypted: true));
        Assert.Equal(stem + ".manifest.json", BackupNaming.ManifestKey(prefix, id));
        Assert.Equal(id, BackupNaming.IdFromManifestKey(BackupNaming.ManifestKey(prefix, id)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("20261126T122643123Z")]
    [InlineData("20261126T122643123Z-0A1B2C")]
    [InlineData("20261326T122643123Z-0a1b2c")]
    [InlineData("20261126T122643123Z_0a1b2c")]
    [InlineData("../etc/passwd")]
    public void Garbage_is_not_an_id(string id)
    {
        Assert.False(BackupNaming.TryParseIdTime(id, out _));
        Assert.Throws<FormatException>(() => BackupNaming.ParseIdTime(id));
    }

    [Theory]
    [InlineData("2026/11/26/20261126T122643123Z-0a1b2c.db.zst")]
    [InlineData("2026/11/26/notes.manifest.json")]
    [InlineData("2026/11/26/.20261126T122643123Z-0a1b2c.manifest.json.1234.tmp")]
    public void Other_keys_are_not_manifest_keys(string key) =>
        Assert.Null(BackupNaming.IdFromManifestKey(key));
}
