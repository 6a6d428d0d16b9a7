using System.Collections;
using ActorBlog.Configuration;
using Akka.Configuration;

namespace ActorBlog.Host;

/// <summary>Everything the host is built from: the layered HOCON, the settings read from it once, the secrets, and where to listen.</summary>
public sealed record BlogHostOptions(Config Config, BlogSettings Blog, BackupSettings Backup, Secrets Secrets, string Urls)
{
    public static BlogHostOptions Create(Config config, string currentDirectory, string? urls = null, IDictionary? environment = null)
    {
        var blog = BlogSettings.Create(config, currentDirectory);
        var backup = BackupSettings.Create(config, blog);
        var secrets = Secrets.FromEnvironment(environment ?? Environment.GetEnvironmentVariables());
        return new BlogHostOptions(config, blog, backup, secrets, string.IsNullOrWhiteSpace(urls) ? blog.Urls : urls)
        {
            Media = MediaSettings.Create(config),
            Desk = DeskSettings.Create(config),
            Log = LogSettings.Create(config),
        };
    }

    public required MediaSettings Media { get; init; }

    public required DeskSettings Desk { get; init; }

    public required LogSettings Log { get; init; }
}
