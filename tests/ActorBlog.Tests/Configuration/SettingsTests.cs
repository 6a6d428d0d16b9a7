using System.Collections;
using ActorBlog.Backup.Targets;
using ActorBlog.Configuration;
using ActorBlog.Tests.Infrastructure;

namespace ActorBlog.Tests.Configuration;

public sealed class SettingsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private (BlogSettings Blog, BackupSettings Backup) Load(string? hocon = null, IDictionary? env = null)
    {
        string? file = null;
        if (hocon is not null) File.WriteAllText(file = _dir.File("operator.conf"), hocon);
        var config = ActorBlogConfig.Load(file, env ?? new Hashtable());
        var blog = BlogSettings.Create(config, _dir.Path);
        return (blog, BackupSettings.Create(config, blog));
    }

    [Fact]
    public void The_shipped_defaults_match_the_contract()
    {
        var (blog, backup) = Load();
        Assert.Equal(Path.Combine(_dir.Path, "data", "blog.db"), blog.DatabasePath);
        Assert.Equal("http://127.0.0.1:5080", blog.Urls);
        Assert.NotEqual(blog.DatabasePath, blog.JournalPath);
        Assert.Equal(Path.GetDirectoryName(blog.DatabasePath), Path.GetDirectoryName(blog.JournalPath));
        Assert.True(backup.Enabled);
        Assert.Equal(BackupTargetKind.File, backup.Target);
        Assert.Equal(Path.Combine(_dir.Path, "data", "backups"), backup.FilePath);
        Assert.Equal(TimeSpan.FromHours(1), backup.Interval);
        Assert.Equal(TimeSpan.FromDays(1), backup.DrillInterval);
        Assert.False(backup.RestoreIfMissing);
    }

    [Fact]
    public void An_operator_file_overrides_only_what_it_names()
    {
        var (blog, backup) = Load("actorblog.blog.title = \"Mine\"\nactorblog.backup.drill.interval = off");
        Assert.Equal("Mine", blog.Title);
        Assert.Null(backup.DrillInterval);
        Assert.Equal(10, blog.PageSize);
    }

    [Fact]
    public void Environment_variables_override_the_file()
    {
        var env = new Hashtable
        {
            ["ACTORBLOG_BACKUP_TARGET"] = "s3", ["SPACES_BUCKET"] = "b", ["SPACES_ENDPOINT"] = "http://127.0.0.1:9000",
            ["SPACES_REGION"] = "fra1", ["ACTORBLOG_BACKUP_INTERVAL"] = "30s",
        };
        var (_, backup) = Load("actorblog.backup.target = file", env);
        Assert.Equal(BackupTargetKind.S3, backup.Target);
        Assert.Equal(new S3TargetOptions("http://127.0.0.1:9000", "fra1", "b", "actorblog", false, null, null), backup.S3);
        Assert.Equal(TimeSpan.FromSeconds(30), backup.Interval);
    }

    [Fact]
    public void The_s3_settings_never_hold_the_keys_even_when_the_environment_has_them()
    {
        var env = new Hashtable { ["ACTORBLOG_BACKUP_TARGET"] = "s3", ["SPACES_BUCKET"] = "b", ["SPACES_KEY"] = "DO00KEY", ["SPACES_SECRET"] = "shh" };
        var (_, backup) = Load(null, env);
        Assert.Null(backup.S3.AccessKey);
        Assert.Null(backup.S3.SecretKey);
    }

    [Theory]
    [InlineData("actorblog.backup.target = ftp", "actorblog.backup.target")]
    [InlineData("actorblog.backup.interval = -5s", "actorblog.backup.interval")]
    [InlineData("actorblog.backup.interval = often", "actorblog.backup.interval")]
    [InlineData("actorblog.backup.target = s3", "actorblog.backup.s3.bucket")]
    [InlineData("actorblog.blog.page-size = 0", "actorblog.blog.page-size")]
    [InlineData("actorblog.blog.page-size = many", "actorblog.blog.page-size")]
    [InlineData("actorblog.blog.base-url = \"not a url\"", "actorblog.blog.base-url")]
    [InlineData("actorblog.backup.enabled = maybe", "actorblog.backup.enabled")]
    [InlineData("actorblog.backup.compression = gzip", "actorblog.backup.compression")]
    [InlineData("actorblog.backup.retention.keep-last = 0", "actorblog.backup.retention.keep-last")]
    [InlineData("actorblog.backup.supervision.random-factor = 2", "actorblog.backup.supervision.random-factor")]
    [InlineData("actorblog.backup.supervision.min-backoff = 10m", "actorblog.backup.supervision.max-backoff")]
    [InlineData("actorblog.backup.drill.interval = sometimes", "actorblog.backup.drill.interval")]
    [InlineData("actorblog.journal = blog.db", "actorblog.journal")]
    [InlineData("actorblog.data-dir = \"\"", "actorblog.data-dir")]
    [InlineData("actorblog.database = \"\"", "actorblog.database")]
    [InlineData("actorblog.blog.title = \"\"", "actorblog.blog.title")]
    [InlineData("actorblog.blog.base-url = \"ftp://example.com\"", "actorblog.blog.base-url")]
    [InlineData("actorblog.blog.page-size = 101", "actorblog.blog.page-size")]
    [InlineData("actorblog.blog.page-size = 2.5", "actorblog.blog.page-size")]
    [InlineData("actorblog.backup.interval = 0s", "actorblog.backup.interval")]
    [InlineData("actorblog.backup.interval = infinite", "actorblog.backup.interval")]
    [InlineData("actorblog.backup.restore-if-missing = 2", "actorblog.backup.restore-if-missing")]
    [InlineData("actorblog.backup.verify-after-upload = sometimes", "actorblog.backup.verify-after-upload")]
    [InlineData("actorblog.backup.compression-level = 0", "actorblog.backup.compression-level")]
    [InlineData("actorblog.backup.compression-level = 20", "actorblog.backup.compression-level")]
    [InlineData("actorblog.backup.step-timeout = soon", "actorblog.backup.step-timeout")]
    [InlineData("actorblog.backup.s3.endpoint = \"not a url\"", "actorblog.backup.s3.endpoint")]
    [InlineData("actorblog.backup.s3.region = \"\"", "actorblog.backup.s3.region")]
    [InlineData("actorblog.backup.s3.force-path-style = maybe", "actorblog.backup.s3.force-path-style")]
    [InlineData("actorblog.backup.s3.timeout = -1s", "actorblog.backup.s3.timeout")]
    [InlineData("actorblog.backup.s3.max-error-retry = -1", "actorblog.backup.s3.max-error-retry")]
    [InlineData("actorblog.backup.retention.keep-daily = -1", "actorblog.backup.retention.keep-daily")]
    [InlineData("actorblog.backup.retention.keep-weekly = lots", "actorblog.backup.retention.keep-weekly")]
    [InlineData("actorblog.backup.retention.keep-monthly = 1.5", "actorblog.backup.retention.keep-monthly")]
    [InlineData("actorblog.backup.supervision.max-retries = -1", "actorblog.backup.supervision.max-retries")]
    [InlineData("actorblog.backup.supervision.within = never", "actorblog.backup.supervision.within")]
    [InlineData("actorblog.backup.supervision.min-backoff = 0s", "actorblog.backup.supervision.min-backoff")]
    [InlineData("actorblog.backup.supervision.random-factor = -0.1", "actorblog.backup.supervision.random-factor")]
    [InlineData("actorblog.store.write-timeout = 0s", "actorblog.store.write-timeout")]
    [InlineData("actorblog.http.urls = \"\"", "actorblog.http.urls")]
    public void A_bad_value_names_its_key(string hocon, string key)
    {
        var e = Assert.Throws<SettingsException>(() => Load(hocon));
        Assert.Equal(key, e.Key);
        Assert.StartsWith($"invalid setting {key}:", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_missing_operator_file_is_a_clear_error()
    {
        var e = Assert.Throws<SettingsException>(() => ActorBlogConfig.Load(_dir.File("nope.conf"), new Hashtable()));
        Assert.Contains("nope.conf", e.Message);
    }

    public void Dispose() => _dir.Dispose();
}
