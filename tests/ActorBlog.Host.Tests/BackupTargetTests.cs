using System.Net.Http.Json;
using System.Text.Json;
using ActorBlog.Backup;
using ActorBlog.Host.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Host.Tests;

/// <summary>Where the backups go, as the operator sees it: a changed target, and backups kept on the database's own disk.</summary>
public sealed class BackupTargetTests : IDisposable
{
    // tmpfs: a filesystem other than the temp folder's, which holds the database in these tests.
    private const string OtherDisk = "/dev/shm";
    private readonly string _dir = Directory.CreateTempSubdirectory("actorblog-target-tests-").FullName;
    private readonly string _elsewhere = Path.Combine(OtherDisk, "actorblog-target-tests-" + Guid.NewGuid().ToString("N"));

    private static string[] Warnings(JsonElement e) => e.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).ToArray();

    [Fact]
    public async Task Backups_on_the_databases_disk_are_a_warning_in_the_state_and_healthz_that_goes_once_they_are_elsewhere()
    {
        string[] stateWarnings, healthWarnings;
        string healthStatus;
        await using (var host = await TestHost.StartAsync("actorblog.backup.enabled = off", root: _dir, keepFiles: true))
        {
            stateWarnings = Warnings(await BackupState.AnsweringAsync(host.Client));
            var health = await host.Client.GetFromJsonAsync<JsonElement>("/healthz");
            healthWarnings = Warnings(health);
            healthStatus = health.GetProperty("status").GetString()!;
        }
        var warning = Assert.Single(stateWarnings);
        Assert.Contains(Path.Combine(_dir, "data", "backups"), warning);
        Assert.Contains("actorblog.backup.file.path", warning);
        Assert.Equal(stateWarnings, healthWarnings);
        Assert.Equal("healthy", healthStatus); // a risk to point out, not a failure

        await using var moved = await TestHost.StartAsync(
            $"actorblog.backup {{ enabled = off, file.path = \"{_elsewhere}\" }}", root: _dir);

        Assert.Empty(Warnings(await BackupState.AnsweringAsync(moved.Client)));
        Assert.Empty(Warnings(await moved.Client.GetFromJsonAsync<JsonElement>("/healthz")));
    }

    [Fact]
    public async Task The_program_says_so_in_one_warning_line_at_start()
    {
        var env = new Dictionary<string, string> { ["ACTORBLOG_AUTHOR_TOKEN"] = "warning-token-0123456789abcdef0123456789" };
        await using var program = ProgramProcess.Start(_dir, env, "serve", "--urls", "http://127.0.0.1:0");
        await program.Listening.WaitAsync(TimeSpan.FromMinutes(2));
        await program.StopAsync();

        var lines = program.Output.Split('\n').Where(l => l.Contains("database's own disk")).ToList();
        Assert.Single(lines);
        Assert.Contains("WRN", lines[0]);
    }

    [Fact]
    public async Task A_changed_target_starts_its_schedule_afresh_and_the_state_never_shows_the_old_targets_backup()
    {
        string oldId;
        await using (var first = await TestHost.StartAsync("actorblog.backup.interval = 1h", root: _dir, keepFiles: true))
        {
            oldId = BackupState.IdOf(await BackupState.VerifiedAsync(first.Client), "lastSuccess")!; // a fresh schedule backs up at once
        }
        var journal = Path.Combine(_dir, "data", "actorblog-journal.db");
        Assert.True(File.Exists(journal)); // the next host recovers this history, and must not show it for the new target

        await using var moved = await TestHost.StartAsync($"actorblog.backup {{ interval = 1h, file.path = \"{_elsewhere}\" }}", root: _dir);
        var seen = await BackupState.AnsweringAsync(moved.Client);
        var verified = await BackupState.VerifiedAsync(moved.Client); // soon, not an hour after the old target's backup

        Assert.NotEqual(oldId, BackupState.IdOf(seen, "lastSuccess"));
        var newId = BackupState.IdOf(verified, "lastSuccess");
        Assert.NotEqual(oldId, newId);
        var held = await moved.Services.GetRequiredService<BackupCatalog>().ListAsync(CancellationToken.None);
        Assert.Equal(newId, Assert.Single(held).Id);
        Assert.Equal(verified.GetProperty("lastSuccess").GetProperty("at").GetDateTimeOffset() + TimeSpan.FromHours(1),
            verified.GetProperty("nextDueAt").GetDateTimeOffset());
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var dir in new[] { _dir, _elsewhere })
        {
            try
            {
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
