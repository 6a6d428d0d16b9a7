using System.Text.Json;
using System.Text.RegularExpressions;
using ActorBlog.Backup;
using ActorBlog.Tests.Infrastructure;

namespace ActorBlog.Host.Tests;

/// <summary>
/// A backup damaged where it is stored, met by the three operator paths with the real program: the
/// same promises on the folder target and on a real s3rver, whose own MD5 check catches the damage
/// first there. Two backups, the newest with one byte flipped in its data object.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Collection(S3rverCollection.Name)]
public sealed class DamagedBackupProgramTests(S3rverFixture s3) : IDisposable
{
    private static readonly Dictionary<string, string> Key = new()
    {
        ["ACTORBLOG_BACKUP_KEY"] = Convert.ToBase64String(Enumerable.Range(11, 32).Select(i => (byte)i).ToArray()),
    };

    private readonly string _prefix = "damaged-" + Guid.NewGuid().ToString("N");
    private Drill? _drill;

    private Drill DrillOn(string target)
    {
        _drill = target == "file"
            ? new Drill(Drill.FileTargetConfig, Key)
            : new Drill(Drill.S3TargetConfig(s3, _prefix), new Dictionary<string, string>(Key)
            {
                ["SPACES_KEY"] = S3rverFixture.AccessKey, ["SPACES_SECRET"] = S3rverFixture.SecretKey,
            });
        return _drill;
    }

    /// <summary>What the check that catches the flipped byte says: the store's MD5 on S3, our SHA-256 on a folder.</summary>
    private string Detail(string target, string dataKey) => target == "file"
        ? "Backup object checksum [0-9a-f]{64} does not match its manifest \\([0-9a-f]{64}\\)"
        : Regex.Escape($"s3://{s3.Bucket}/{dataKey} is not what was stored: its bytes do not match the MD5 (ETag) the store keeps for it");

    /// <summary>Flips one byte in the middle of the newest backup's data object where the target keeps it; returns both ids and that object's key.</summary>
    private async Task<(string Older, string Newest, string NewestDataKey)> FlipAByteOfTheNewestBackupAsync(Drill drill, string target)
    {
        var listed = await drill.RunAsync("backups", "--json");
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        var ids = JsonDocument.Parse(listed.Stdout).RootElement.EnumerateArray().Select(b => b.GetProperty("id").GetString()!).ToArray();
        // A host also backs up once at its first start, so there may be an older one still.
        Assert.True(ids.Length >= 2, listed.Stdout);
        var dataKey = BackupNaming.DataKey(target == "file" ? "" : _prefix, ids[0], encrypted: true);
        var path = target == "file" ? drill.PathOf(Path.Combine("backups", dataKey)) : s3.StoredObjectPath(dataKey);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x20;
        File.WriteAllBytes(path, bytes);
        return (ids[1], ids[0], dataKey);
    }

    private static void AssertMatches(Regex promise, string line) => Assert.True(promise.IsMatch(line), $"{line}\n  does not match\n{promise}");

    private static string OnlyLine(string stderr) => Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)).TrimEnd('\r');

    [Theory]
    [InlineData("file")]
    [InlineData("s3")]
    public async Task Restore_and_verify_fail_with_one_line_naming_the_damaged_backup_and_the_newest_good_one(string target)
    {
        var drill = DrillOn(target);
        drill.NewBlogDatabase();
        Assert.Equal(0, (await drill.RunAsync("backup")).ExitCode);
        Assert.Equal(0, (await drill.RunAsync("backup")).ExitCode);
        var (older, newest, dataKey) = await FlipAByteOfTheNewestBackupAsync(drill, target);
        var promise = new Regex(
            $"^actorblog: backup {newest} is damaged: {Detail(target, dataKey)}; the newest good backup is {older}: restore it with --id {older}$");

        var restore = await drill.RunAsync("restore", "--output", "elsewhere/blog.db");
        Assert.Equal(1, restore.ExitCode);
        AssertMatches(promise, OnlyLine(restore.Stderr));
        Assert.False(File.Exists(drill.PathOf("elsewhere/blog.db")));

        var verify = await drill.RunAsync("verify");
        Assert.Equal(1, verify.ExitCode);
        AssertMatches(promise, OnlyLine(verify.Stderr));
        Assert.Empty(verify.Stdout);

        // Asked for by id, the damaged one fails alone; the good one restores.
        var byId = await drill.RunAsync("verify", "--id", newest);
        Assert.Equal(1, byId.ExitCode);
        AssertMatches(new Regex($"^actorblog: backup {newest} is damaged: {Detail(target, dataKey)}$"), OnlyLine(byId.Stderr));
        var chosen = await drill.RunAsync("restore", "--id", older, "--output", "elsewhere/blog.db");
        Assert.True(chosen.ExitCode == 0, chosen.Stderr);
        Assert.Equal([drill.PathOf("elsewhere/blog.db")], Directory.GetFiles(drill.PathOf("elsewhere")));
    }

    [Theory]
    [InlineData("file")]
    [InlineData("s3")]
    public async Task At_boot_restore_if_missing_passes_over_the_damaged_backup_restores_the_older_one_and_serves(string target)
    {
        var drill = DrillOn(target);
        var (posts, older) = await drill.BlogWithABackupAsync();
        Assert.Equal(0, (await drill.RunAsync("backup")).ExitCode);
        var (olderListed, newest, dataKey) = await FlipAByteOfTheNewestBackupAsync(drill, target);
        Assert.Equal(older, olderListed);
        drill.LoseTheDataDirectory();

        var (served, log) = await drill.StartAndReadPostsAsync("actorblog.backup.restore-if-missing = on");

        Assert.Equal(posts, served);
        var lines = log.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var error = Assert.Single(lines, l => l.Contains(" ERR] "));
        AssertMatches(new Regex($@"^\[\d\d:\d\d:\d\d ERR\] [^ ]*: Passed over damaged backup {newest}: backup {newest} is damaged: {Detail(target, dataKey)}$"), error);
        Assert.Single(lines, l => l.Contains($"Restored backup {older} ("));
        Assert.DoesNotContain(lines, l => l.Contains($"Restored backup {newest}"));
    }

    public void Dispose() => _drill?.Dispose();
}
