using System.CommandLine;
using ActorBlog.Configuration;
using Serilog;

namespace ActorBlog.Host.Cli;

/// <summary><c>serve [--urls URL]</c> (<see cref="ServeSyntax"/>): runs the blog until Ctrl-C or SIGTERM.</summary>
public static class ServeCommand
{
    public static void AddTo(Command root) => ServeSyntax.AddTo(root, RunAsync);

    private static async Task<int> RunAsync(ParseResult parsed, string? urls, CancellationToken ct)
    {
        try
        {
            // Settings first: they say how to log, and a bad one is a single stderr line, not a log event.
            var config = ActorBlogConfig.Load(CommandLine.ConfigFile(parsed), Environment.GetEnvironmentVariables());
            var options = BlogHostOptions.Create(config, Directory.GetCurrentDirectory(), urls);
            Log.Logger = Logging.CreateLogger(options.Log);
            var app = BlogHost.Build(options, Log.Logger);
            await app.RunAsync();
            return CommandLine.Success;
        }
        catch (SettingsException e)
        {
            return CommandLine.Fail(e.Message);
        }
        catch (ActorBlog.Backup.Restore.RestoreException e)
        {
            return CommandLine.Fail(e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CommandLine.Fail(e.Message);
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }
}
