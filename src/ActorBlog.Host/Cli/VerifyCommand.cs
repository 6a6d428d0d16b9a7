using System.CommandLine;
using ActorBlog.Backup.Restore;

namespace ActorBlog.Host.Cli;

/// <summary><c>verify [--id ID]</c>: everything a restore checks, into a temporary file that is then removed.</summary>
public static class VerifyCommand
{
    public static void AddTo(Command root)
    {
        var id = new Option<string?>("--id") { Description = "The backup to verify (see 'backups'); default: the newest" };
        var command = new Command("verify", "Download a backup and check its checksum and PRAGMA integrity_check; installs nothing");
        command.Options.Add(id);
        command.SetAction((parsed, ct) => CliContext.RunAsync(parsed, context => RunAsync(context, parsed.GetValue(id), ct)));
        root.Subcommands.Add(command);
    }

    private static async Task<int> RunAsync(CliContext context, string? id, CancellationToken ct)
    {
        var restorer = new Restorer(context.Catalog, context.Options.Secrets.BackupKey, Progress.Step);
        // Failures reach CliContext.RunAsync, which prints them as one line (BackupErrors.Describe):
        // a damaged newest backup fails naming it and the newest good one, as restore does.
        var r = await Progress.ShowAsync(() => restorer.VerifyAsync(new BackupSelection(id), context.Options.Backup.TempDir, ct));
        var backup = r.Backup;
        Console.WriteLine($"backup    {backup.Id} (created {backup.CreatedAt:yyyy-MM-dd'T'HH:mm:ss'Z'}, {(backup.Encrypted ? "encrypted" : "not encrypted")})");
        Console.WriteLine($"size      {backup.SizeBytes} bytes, {backup.StoredBytes} stored");
        Console.WriteLine($"checksum  ok (sha256 {r.Sha256})");
        Console.WriteLine($"integrity ok (revision {r.Revision}, {r.PostCount} posts, as the manifest says)");
        return CommandLine.Success;
    }
}
