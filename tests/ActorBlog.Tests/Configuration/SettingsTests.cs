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
        Assert.Equal("en", blog.Language);
        Assert.Equal("", blog.Author);
        Assert.Equal("Mine", blog.AuthorOrTitle);
        Assert.NotEmpty(blog.Description);
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

    [Theory]
    [InlineData("a \"quoted\" \\ back\\slash")]
    [InlineData("${actorblog.blog.title} // not a comment # nor this")]
    [InlineData("tab\tnew\nline\u007f")]
    [InlineData("ünïcödé 日本 😀 <&+'>")]
    public void An_environment_value_reaches_its_setting_exactly_as_given(string value)
    {
        var (_, backup) = Load(env: new Hashtable { ["SPACES_BUCKET"] = value, ["SPACES_REGION"] = value });
        Assert.Equal(value, backup.S3.Bucket);
        Assert.Equal(value, backup.S3.Region);
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
    [InlineData("actorblog.blog.language = \"en_US!\"", "actorblog.blog.language")]
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

    [Theory]
    [InlineData("actorblog.backup.interval = 90", "actorblog.backup.interval", "'90' has no unit; write a number and a unit: ms, s, m, h or d (e.g. 500ms, 30s, 15m, 1h, 1d)")]
    [InlineData("actorblog.backup.interval = 999ms", "actorblog.backup.interval", "'999ms' is shorter than the floor of 1s")]
    [InlineData("actorblog.backup.drill.interval = 10ms", "actorblog.backup.drill.interval", "'10ms' is shorter than the floor of 1s")]
    [InlineData("actorblog.store.write-timeout = 10", "actorblog.store.write-timeout", "'10' has no unit; write a number and a unit: ms, s, m, h or d (e.g. 500ms, 30s, 15m, 1h, 1d)")]
    [InlineData("actorblog.backup.s3.region = x\nactorblog.backup.s3.timeout = \"2 minutez\"", "actorblog.backup.s3.timeout", "'2 minutez' is not a duration; write a number and a unit: ms, s, m, h or d (e.g. 500ms, 30s, 15m, 1h, 1d)")]
    [InlineData("actorblog.http.urls = \"http://127.0.0.1\"", "actorblog.http.urls", "'http://127.0.0.1' names no port, e.g. http://127.0.0.1:5080")]
    [InlineData("actorblog.http.urls = \"http://127.0.0.1:65536\"", "actorblog.http.urls", "'http://127.0.0.1:65536' has the port '65536'; a port is a number 0..65535, e.g. http://127.0.0.1:5080")]
    [InlineData("actorblog.http.urls = \"ftp://127.0.0.1:21\"", "actorblog.http.urls", "'ftp://127.0.0.1:21' has the scheme 'ftp'; only http and https are served")]
    [InlineData("actorblog.http.urls = \"http://*:5080\"", "actorblog.http.urls", "'http://*:5080' has the host '*', which is not an IP address; Kestrel would listen on every interface for it. Write an address (127.0.0.1, [::1], or 0.0.0.0 for every interface) or localhost")]
    [InlineData("actorblog.http.urls = \"http://127.1:5080\"", "actorblog.http.urls", "'http://127.1:5080' has the host '127.1', which is not an IP address; Kestrel would listen on every interface for it. Write an address (127.0.0.1, [::1], or 0.0.0.0 for every interface) or localhost")]
    [InlineData("actorblog.http.urls = \"http://127.0.0.1:5080/blog\"", "actorblog.http.urls", "'http://127.0.0.1:5080/blog' has a path; write only scheme://ADDRESS:PORT, e.g. http://127.0.0.1:5080")]
    [InlineData("actorblog.http.urls = \"http://127.0.0.1:5080;\"", "actorblog.http.urls", "'http://127.0.0.1:5080;' has an empty address between ';'")]
    [InlineData("actorblog.http.forwarded-headers = \"10.0.0.0/33\"", "actorblog.http.forwarded-headers", "'10.0.0.0/33' is not an IP address or network; write off, or a list such as [\"127.0.0.1\", \"10.0.0.0/8\"]")]
    [InlineData("actorblog.blog.titel = x", "actorblog.blog.titel", "unknown key in OPERATOR; did you mean actorblog.blog.title?")]
    [InlineData("actorblog.backup.retention.keep-dayly = 3", "actorblog.backup.retention.keep-dayly", "unknown key in OPERATOR; did you mean actorblog.backup.retention.keep-daily?")]
    [InlineData("actorblog.backup.s3 = on", "actorblog.backup.s3", "is a group of settings (actorblog.backup.s3.*), not a value (in OPERATOR)")]
    [InlineData("actorblg.blog.title = x", "actorblg", "unknown key in OPERATOR; did you mean actorblog?")]
    public void A_bad_setting_says_exactly_what_is_wrong(string hocon, string key, string problem)
    {
        var e = Assert.Throws<SettingsException>(() => Load(hocon));
        Assert.Equal(key, e.Key);
        Assert.Equal(problem.Replace("OPERATOR", _dir.File("operator.conf")), e.Problem);
    }

    [Theory]
    [InlineData("this is not hocon at all }}}", "line 1, column 26: expected '=', ':' or '{' after the key 'this is not hocon at all', found '}'")]
    [InlineData("actorblog {\n  blog {\n    title = x\n  }\n", "line 1, column 11: this '{' is never closed")]
    [InlineData("actorblog.blog.title = x\n}", "line 2, column 1: unexpected '}': there is no '{' to close")]
    [InlineData("actorblog.blog.title = \"x", "line 1, column 24: this string is never closed (a '\"' is missing before the end of the line)")]
    [InlineData("actorblog.blog.title = \"\"\"x", "line 1, column 24: this \"\"\" string is never closed")]
    [InlineData("actorblog.http.urls = http://127.0.0.1:5080", "line 1, column 27: unexpected ':' in the value of 'actorblog.http.urls' (quote a value that contains it, e.g. \"http://127.0.0.1:5080\")")]
    [InlineData("actorblog.blog.title =", "line 1, column 23: the key 'actorblog.blog.title' has no value")]
    [InlineData("actorblog.http.forwarded-headers = [\"127.0.0.1\"", "line 1, column 36: this '[' is never closed")]
    [InlineData("actorblog.blog.title = ${oops", "line 1, column 24: this '${' is never closed")]
    [InlineData("actorblog.blog.title x", "line 1, column 23: expected '=', ':' or '{' after the key 'actorblog.blog.title x', found the end of the file")]
    [InlineData("actorblog.blog { title = a b = c }", "line 1, column 30: unexpected '=' in the value of 'title' (quote a value that contains it, e.g. \"http://127.0.0.1:5080\")")]
    public void Text_that_is_not_hocon_names_the_file_line_and_reason(string hocon, string reason)
    {
        var e = Assert.Throws<SettingsException>(() => Load(hocon));
        Assert.Equal(_dir.File("operator.conf"), e.Key);
        Assert.Equal("not valid HOCON at " + reason, e.Problem);
    }

    [Fact]
    public void Hocon_that_akka_reads_passes_the_syntax_check()
    {
        const string hocon = """"
            # a comment
            // another
            include "elsewhere.conf"
            actorblog {
              "blog" { title = "Quoted \"title\"", page-size: 5 }
              blog.base-url = "http://127.0.0.1:5080" // trailing comment
              http.forwarded-headers = [
                "127.0.0.1",
                "10.0.0.0/8",
              ]
              backup { interval = 30 seconds, drill.interval = off }
              backup.s3.prefix = ${?HOME}
              blog.title = """Multi
            line"""
            }
            akka.loglevel = DEBUG
            akka.extensions += "x"
            """";
        Assert.Null(HoconSyntax.FirstError(hocon));
        Assert.Null(HoconSyntax.FirstError(File.ReadAllText(ActorBlogConfig.DefaultsPath)));
    }

    [Fact]
    public void Every_key_the_shipped_file_documents_is_known()
    {
        // The shipped file itself as the operator's: every key in it is accepted.
        var (blog, _) = Load(File.ReadAllText(ActorBlogConfig.DefaultsPath));
        Assert.Equal("http://127.0.0.1:5080", blog.Urls);
    }

    [Theory]
    [InlineData("container.conf")]
    [InlineData("actorblog.conf.example")]
    public void The_operator_files_deploy_ships_are_accepted(string name)
    {
        var repo = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(repo, "ActorBlog.sln"))) repo = Path.GetDirectoryName(repo)!;
        var (blog, _) = Load(File.ReadAllText(Path.Combine(repo, "deploy", name)));
        Assert.False(string.IsNullOrEmpty(blog.Urls));
    }

    [Fact]
    public void A_key_documented_as_an_empty_object_takes_any_keys_beneath_it()
    {
        var defaults = _dir.File("defaults.conf");
        File.WriteAllText(defaults, File.ReadAllText(ActorBlogConfig.DefaultsPath) + "\nactorblog.blog.links {}\n");
        File.WriteAllText(_dir.File("operator.conf"), "actorblog.blog.links { mastodon = \"https://example.social/@me\", \"git hub\" = x }");

        var config = ActorBlogConfig.Load(_dir.File("operator.conf"), new Hashtable(), defaults);

        Assert.Equal("https://example.social/@me", config.GetString("actorblog.blog.links.mastodon"));
    }

    [Fact]
    public void Listen_addresses_and_trusted_proxies_that_are_right_are_kept()
    {
        var (blog, _) = Load("""
            actorblog.http.urls = "HTTP://127.0.0.1:05080/;https://[::1]:5443;http://localhost:0;http://0.0.0.0:8080"
            actorblog.http.forwarded-headers = ["127.0.0.1", "10.0.0.0/8", "::1"]
            """);
        Assert.Equal("http://127.0.0.1:5080;https://[::1]:5443;http://localhost:0;http://0.0.0.0:8080", blog.Urls);
        Assert.Equal(["127.0.0.1/32", "10.0.0.0/8", "::1/128"], blog.TrustedProxies.Select(n => n.ToString()));
        Assert.Empty(Load().Blog.TrustedProxies);
    }

    [Fact]
    public void A_missing_operator_file_is_a_clear_error()
    {
        var e = Assert.Throws<SettingsException>(() => ActorBlogConfig.Load(_dir.File("nope.conf"), new Hashtable()));
        Assert.Contains("nope.conf", e.Message);
    }

    public void Dispose() => _dir.Dispose();
}
