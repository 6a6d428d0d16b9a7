using System.CommandLine;
using ActorBlog.Backup;

namespace ActorBlog.Host.Cli;

/// <summary><c>backup</c>: one backup now with the configured target; exit 0 only once it is verified.</summary>
public static class BackupCommand
{
    public static void AddTo(Command root)
    {
        var command = new Command("backup", "Take one backup now; exit 0 only once it is verified");
        command.SetAction((parsed, ct) => CliContext.RunAsync(parsed, context => RunAsync(context, ct)));
        root.Subcommands.Add(command);
    }

    private static async Task<int> RunAsync(CliContext context, CancellationToken ct)
    {
        var (blog, backup, secrets) = (context.Options.Blog, context.Options.Backup, context.Options.Secrets);
        if (!File.Exists(blog.DatabasePath)) return CommandLine.Fail($"no database at {blog.DatabasePath}");

        var createdAt = DateTimeOffset.UtcNow;
        var id = BackupNaming.NewId(createdAt);
        Progress.Step($"Snapshotting {blog.DatabasePath} ...");
        var prepared = await BackupJob.PrepareAsync(blog.DatabasePath, backup.TempDir, context.Catalog, id, createdAt,
            secrets.BackupKey, backup.CompressionLevel, ct);
        Progress.Step($"Checking, encoding and uploading to {context.Catalog.Target.Describe()} ...");
        var manifest = await Progress.ShowAsync(() => BackupJob.UploadAsync(context.Catalog, prepared, backup.VerifyAfterUpload, ct));
        var deleted = await BackupJob.ApplyRetentionAsync(context.Catalog, backup.Retention, ct);

        Console.WriteLine($"{manifest.Id} verified: revision {manifest.Revision}, {manifest.PostCount} posts, " +
                          $"{manifest.SizeBytes} bytes, {manifest.StoredBytes} stored, sha256 {manifest.Sha256}");
        if (deleted.Count > 0) Console.WriteLine($"retention removed {deleted.Count} older backup(s)");
        return CommandLine.Success;
    }
}
