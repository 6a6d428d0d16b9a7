using System.Collections;
using ActorBlog.Configuration;
using ActorBlog.Tests.Infrastructure;

namespace ActorBlog.Tests.Configuration;

public sealed class LogSettingsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private Akka.Configuration.Config Load(string hocon)
    {
        File.WriteAllText(_dir.File("operator.conf"), hocon);
        return ActorBlogConfig.Load(_dir.File("operator.conf"), new Hashtable());
    }

    [Fact]
    public void The_shipped_defaults_log_info_every_request_as_text_and_send_no_heartbeat()
    {
        var config = ActorBlogConfig.Load(null, new Hashtable());
        Assert.Equal(LogSettings.Default, LogSettings.Create(config));
        Assert.Null(BackupSettings.Create(config, BlogSettings.Create(config, _dir.Path)).HeartbeatUrl);
    }

    [Theory]
    [InlineData("level = DEBUG\nrequests = errors\nformat = json", LogThreshold.Debug, RequestLogging.Errors, LogFormat.Json)]
    [InlineData("level = warning\nrequests = off", LogThreshold.Warning, RequestLogging.Off, LogFormat.Text)]
    [InlineData("level = error", LogThreshold.Error, RequestLogging.All, LogFormat.Text)]
    public void Each_documented_value_is_read(string hocon, LogThreshold level, RequestLogging requests, LogFormat format) =>
        Assert.Equal(new LogSettings(level, requests, format), LogSettings.Create(Load("actorblog.log {\n" + hocon + "\n}")));

    /// <summary>The names are spelled out beside the enums: each value of each is read by its own name, in any case.</summary>
    [Fact]
    public void Every_value_is_read_by_its_name()
    {
        foreach (var level in Enum.GetValues<LogThreshold>())
            Assert.Equal(level, LogSettings.Create(Load($"actorblog.log.level = {level.ToString().ToUpperInvariant()}")).Level);
        foreach (var requests in Enum.GetValues<RequestLogging>())
            Assert.Equal(requests, LogSettings.Create(Load($"actorblog.log.requests = {requests.ToString().ToLowerInvariant()}")).Requests);
        foreach (var format in Enum.GetValues<LogFormat>())
            Assert.Equal(format, LogSettings.Create(Load($"actorblog.log.format = {format}")).Format);
    }

    [Theory]
    [InlineData("level = loud", "actorblog.log.level")]
    [InlineData("level = 2", "actorblog.log.level")]
    [InlineData("requests = some", "actorblog.log.requests")]
    [InlineData("format = xml", "actorblog.log.format")]
    public void A_value_outside_the_documented_ones_names_the_key_and_what_it_accepts(string hocon, string key)
    {
        var e = Assert.Throws<SettingsException>(() => LogSettings.Create(Load("actorblog.log {\n" + hocon + "\n}")));
        Assert.Equal(key, e.Key);
        Assert.Contains(" or ", e.Message);
    }

    [Fact]
    public void A_heartbeat_url_must_be_absolute_http_and_its_value_is_never_echoed()
    {
        var config = Load("actorblog.backup.heartbeat-url = \"ftp://hc.example/3f1c-secret-check-id\"");
        var e = Assert.Throws<SettingsException>(() => BackupSettings.Create(config, BlogSettings.Create(config, _dir.Path)));
        Assert.Equal("actorblog.backup.heartbeat-url", e.Key);
        Assert.DoesNotContain("secret-check-id", e.Message);

        config = Load("actorblog.backup.heartbeat-url = \"https://hc.example/ping/3f1c\"");
        Assert.Equal(new Uri("https://hc.example/ping/3f1c"), BackupSettings.Create(config, BlogSettings.Create(config, _dir.Path)).HeartbeatUrl);
    }

    public void Dispose() => _dir.Dispose();
}
