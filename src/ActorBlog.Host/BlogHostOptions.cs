using System.Collections;
using ActorBlog.Configuration;
using Akka.Configuration;

namespace ActorBlog.Host;

/// <summary>Everything the host is built from: the layered HOCON, the settings read from it once, the secrets, and where to listen.</summary>
public sealed record BlogHostOptions(Config Config, BlogSettings Blog, BackupSettings Backup, Secrets Secrets, string Urls, LogSettings Log)
{
    public static BlogHostOptions Create(Config config, string currentDirectory, string? urls = null, IDictionary? environment = null)
    {
        var blog = BlogSettings.Create(config, currentDirectory);
        var backup = BackupSettings.Create(config, blog);
        var secrets = Secrets.FromEnvironment(environment ?? Environment.GetEnvironmentVariables());
        var log = LogSettings.Create(config);
        return new BlogHostOptions(config, blog, backup, secrets, string.IsNullOrWhiteSpace(urls) ? blog.Urls : urls, log);
    }
}
