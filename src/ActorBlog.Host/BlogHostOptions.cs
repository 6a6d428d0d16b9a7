using System.Collections;
using ActorBlog.Configuration;
using Akka.Configuration;

namespace ActorBlog.Host;

/// <summary>Everything the host is built from: the layered HOCON, the settings read from it once, the secrets, and where to listen.</summary>
public sealed record BlogHostOptions(Config Config, BlogSettings Blog, BackupSettings Backup, Secrets Secrets, string Urls)
{
    public ReplicationSettings Replication { get; init; } = ReplicationSettings.Off;

    public static BlogHostOptions Create(Config config, string currentDirectory, string? urls = null, IDictionary? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariables();
        try
        {
            var blog = BlogSettings.Create(config, currentDirectory);
            var backup = BackupSettings.Create(config, blog);
            var secrets = Secrets.FromEnvironment(environment);
            return new BlogHostOptions(config, blog, backup, secrets, urls is null ? blog.Urls : ListenAddresses.Check("--urls", urls))
            {
                Media = MediaSettings.Create(config),
                Desk = DeskSettings.Create(config),
                Replication = ReplicationSettings.Create(config, backup),
            };
        }
        catch (SettingsException e) when (ActorBlogConfig.OverriddenBy(e.Key, environment) is { } variable)
        {
            throw new SettingsException(e.Key, $"{e.Problem} (from {variable})");
        }
    }

    public required MediaSettings Media { get; init; }

    public required DeskSettings Desk { get; init; }
}
