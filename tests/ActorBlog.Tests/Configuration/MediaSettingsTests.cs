using System.Collections;
using ActorBlog.Configuration;
using ActorBlog.Tests.Infrastructure;

namespace ActorBlog.Tests.Configuration;

public sealed class MediaSettingsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private MediaSettings Load(string? hocon = null)
    {
        string? file = null;
        if (hocon is not null) File.WriteAllText(file = _dir.File("operator.conf"), hocon);
        return MediaSettings.Create(ActorBlogConfig.Load(file, new Hashtable()));
    }

    [Fact]
    public void The_shipped_defaults_are_the_contracts_10_MiB_and_50_million_pixels()
    {
        Assert.Equal(new MediaSettings(10 * 1024 * 1024, 50_000_000), Load());
        Assert.Equal(TimeSpan.FromHours(12), DeskSettings.Create(ActorBlogConfig.Load(null, new Hashtable())).Session);
    }

    [Theory]
    [InlineData("actorblog.media.max-bytes = 2MiB", 2 * 1024 * 1024)]
    [InlineData("actorblog.media.max-bytes = 500kB", 500_000)]
    [InlineData("actorblog.media.max-bytes = 65536", 65536)]
    public void Sizes_read_with_their_units(string hocon, long expected) => Assert.Equal(expected, Load(hocon).MaxBytes);

    [Theory]
    [InlineData("actorblog.media.max-bytes = lots", "actorblog.media.max-bytes")]
    [InlineData("actorblog.media.max-bytes = 10", "actorblog.media.max-bytes")]
    [InlineData("actorblog.media.max-bytes = 2GiB", "actorblog.media.max-bytes")]
    [InlineData("actorblog.media.max-pixels = 0", "actorblog.media.max-pixels")]
    [InlineData("actorblog.media.max-pixels = many", "actorblog.media.max-pixels")]
    [InlineData("actorblog.desk.session = 0s", "actorblog.desk.session")]
    public void Bad_values_name_their_key(string hocon, string key)
    {
        var e = Assert.Throws<SettingsException>(() =>
        {
            Load(hocon);
            DeskSettings.Create(ActorBlogConfig.Load(_dir.File("operator.conf"), new Hashtable()));
        });
        Assert.Contains(key, e.Message);
    }

    public void Dispose() => _dir.Dispose();
}
