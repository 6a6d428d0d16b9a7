using System.CommandLine;
using ActorBlog.Backup;
using ActorBlog.Configuration;

namespace ActorBlog.Host.Cli;

/// <summary>
/// What an operator command needs: the layered settings, the secrets and the configured
/// target's catalog. Built from the config and the environment alone, so the commands work on a
/// fresh machine with no local state.
/// </summary>
public sealed record CliContext(BlogHostOptions Options, BackupCatalog Catalog)
{
    public static CliContext Load(ParseResult parsed)
    {
        var config = ActorBlogConfig.Load(CommandLine.ConfigFile(parsed), Environment.GetEnvironmentVariables());
        var options = BlogHostOptions.Create(config, Directory.GetCurrentDirectory());
        return new CliContext(options, BackupCatalogFactory.Create(options.Backup, options.Secrets, wrap: target => new MeteredTarget(target)));
    }

    /// <summary>
    /// Runs a command body with the one-line failure handling every command shares: a bad setting
    /// or any failure is one line on stderr and exit 1; never a stack trace.
    /// </summary>
    public static async Task<int> RunAsync(ParseResult parsed, Func<CliContext, Task<int>> body)
    {
        Warmup.Start();
        try
        {
            return await body(Load(parsed));
        }
        catch (SettingsException e)
        {
            return CommandLine.Fail(e.Message);
        }
        catch (OperationCanceledException)
        {
            return CommandLine.Fail("cancelled");
        }
        catch (Exception e)
        {
            return CommandLine.Fail(BackupErrors.Describe(e));
        }
    }
}
