using System.CommandLine;
using System.Text.Json;
using ActorBlog.Backup;

namespace ActorBlog.Host.Cli;

/// <summary><c>backups [--json]</c>: the backups in the target, newest first.</summary>
public static class BackupsCommand
{
    public static void AddTo(Command root)
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array, as GET /api/backups does" };
        var command = new Command("backups", "List the backups in the configured target, newest first");
        command.Options.Add(json);
        command.SetAction((parsed, ct) => CliContext.RunAsync(parsed, context => RunAsync(context, parsed.GetValue(json), ct)));
        root.Subcommands.Add(command);
    }

    private static async Task<int> RunAsync(CliContext context, bool json, CancellationToken ct)
    {
        var entries = (await context.Catalog.ListAsync(ct)).Select(BackupEntry.From).ToList();
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(entries, BackupEntryJson.Default.ListBackupEntry));
            return CommandLine.Success;
        }
        if (entries.Count == 0)
        {
            Console.WriteLine($"no backups in {context.Catalog.Target.Describe()}");
            return CommandLine.Success;
        }
        Console.WriteLine($"{"ID",-28} {"CREATED (UTC)",-20} {"SIZE",10} {"STORED",10} ENCRYPTED");
        foreach (var e in entries)
            Console.WriteLine($"{e.Id,-28} {e.CreatedAt:yyyy-MM-dd HH:mm:ss} {Progress.Bytes(e.SizeBytes),10} {Progress.Bytes(e.StoredBytes),10} {(e.Encrypted ? "yes" : "no")}");
        return CommandLine.Success;
    }
}
