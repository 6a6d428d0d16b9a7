using System.CommandLine;
using ActorBlog.Backup.Restore;

namespace ActorBlog.Host.Cli;

/// <summary><c>restore [--id ID | --at TIME] [--output PATH] [--force]</c>: a checked backup into place.</summary>
public static class RestoreCommand
{
    public static void AddTo(Command root)
    {
        var id = new Option<string?>("--id") { Description = "Restore this backup alone (see 'backups'); default: the newest backup and every change shipped after it" };
        var at = new Option<string?>("--at") { Description = "Restore the state after the last commit at or before TIME (a backup and the changes after it): ISO-8601 or e.g. '2h ago', '1d ago'" };
        var output = new Option<string?>("--output") { Description = "Where to write the database; default: the configured database path" };
        var force = new Option<bool>("--force") { Description = "Replace an existing database (never one a running host holds)" };
        var command = new Command("restore", "Restore a backup: download, check, and only then move it into place");
        command.Options.Add(id);
        command.Options.Add(at);
        command.Options.Add(output);
        command.Options.Add(force);
        command.Validators.Add(result =>
        {
            if (result.GetResult(id) is not null && result.GetResult(at) is not null)
                result.AddError("--id and --at cannot be used together");
            if (result.GetResult(at) is null) return;
            try
            {
                PointInTime.Parse(result.GetValue(at), DateTimeOffset.UtcNow);
            }
            catch (FormatException e)
            {
                result.AddError("--at: " + e.Message);
            }
        });
        command.SetAction((parsed, ct) => CliContext.RunAsync(parsed, context =>
        {
            var when = parsed.GetValue(at) is { } text ? PointInTime.Parse(text, DateTimeOffset.UtcNow) : (DateTimeOffset?)null;
            return RunAsync(context, new BackupSelection(parsed.GetValue(id), when), parsed.GetValue(output), parsed.GetValue(force), ct);
        }));
        root.Subcommands.Add(command);
    }

    private static async Task<int> RunAsync(CliContext context, BackupSelection selection, string? output, bool force, CancellationToken ct)
    {
        var destination = Path.GetFullPath(output ?? context.Options.Blog.DatabasePath);
        var restorer = new Restorer(context.Catalog, context.Options.Secrets.BackupKey, Progress.Step);
        var started = System.Diagnostics.Stopwatch.StartNew();
        // Failures reach CliContext.RunAsync, which prints them as one line (BackupErrors.Describe).
        var outcome = await restorer.RestoreAsync(selection, destination, RestoreMode.Strict, force, ct);
        var r = outcome.Restored;
        Console.WriteLine($"restored {r.Backup.Id} + {r.Transactions} commit(s) from {r.ChangeObjects} change object(s) to {destination}: " +
                          $"revision {r.Revision}, committed at {Committed(r)}, {r.PostCount} posts, {r.SizeBytes} bytes, " +
                          $"sha256 {r.Sha256} ok, integrity ok, in {started.Elapsed.TotalSeconds:0.0}s");
        return CommandLine.Success;
    }

    /// <summary>The restored commit's time; a backup alone tells only when it was taken.</summary>
    private static string Committed(ActorBlog.Backup.Restore.RestoredBackup r) =>
        r.CommittedAt is { } t ? $"{t:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}" : $"or before {r.Backup.CreatedAt:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} (the backup)";
}
