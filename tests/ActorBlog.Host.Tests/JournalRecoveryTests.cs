using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;

namespace ActorBlog.Host.Tests;

public sealed class JournalRecoveryTests
{
    [Theory]
    [InlineData("garbage")]
    [InlineData("truncated")]
    public async Task An_unreadable_journal_is_moved_aside_and_the_host_starts_afresh(string damage)
    {
        var root = Directory.CreateTempSubdirectory("actorblog-journal-").FullName;
        var data = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        var journal = Path.Combine(data, "actorblog-journal.db");
        if (damage == "garbage") File.WriteAllText(journal, "this is not a SQLite database, it is a test");
        else File.WriteAllBytes(journal, "SQLite format 3\0"u8.ToArray().Concat(new byte[100]).ToArray());

        await using var host = await TestHost.StartAsync("actorblog.backup.enabled = off", root: root);
        var id = await BackupState.RequestAsync(host.Client);
        var status = await BackupState.VerifiedAsync(host.Client);

        Assert.Equal(id, BackupState.IdOf(status, "lastSuccess"));
        Assert.Single(Directory.EnumerateFiles(data, "actorblog-journal.db.corrupt-*"));
    }
}
