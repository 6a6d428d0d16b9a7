using System.Diagnostics;
using System.Text.RegularExpressions;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Host.Tests;

/// <summary>
/// The CLI's progress for long transfers, seen the way an operator sees it: the real program on a
/// pseudo-terminal (util-linux <c>script</c>), one that draws (xterm) and one that does not (dumb),
/// and with its output redirected.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ProgressTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("actorblog-progress-").FullName;
    private static readonly Dictionary<string, string> NoEnvironment = new();

    /// <summary>Runs the program on a pseudo-terminal of the given kind; returns what the terminal received.</summary>
    private async Task<(int ExitCode, string Screen)> OnTerminalAsync(string term, params string[] args)
    {
        var info = new ProcessStartInfo("script") { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-qec");
        info.ArgumentList.Add(string.Join(' ', new[] { "dotnet", ProgramProcess.HostDll }.Concat(args).Select(a => $"'{a}'")));
        info.ArgumentList.Add("/dev/null");
        info.Environment["TERM"] = term;
        info.Environment["COLUMNS"] = "160";
        foreach (var name in new[] { "ACTORBLOG_CONFIG", "ACTORBLOG_BACKUP_TARGET", "ACTORBLOG_BACKUP_KEY", "SPACES_ENDPOINT", "SPACES_BUCKET" })
            info.Environment.Remove(name);
        using var process = Process.Start(info)!;
        var screen = process.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await screen);
    }

    private async Task<string> ABackupAsync()
    {
        Files.SeedIncompressibleBlog(Path.Combine(_dir, "data", "blog.db"), megabytes: 3);
        var (exit, stdout, stderr) = await ProgramProcess.RunAsync(_dir, NoEnvironment, "backup");
        Assert.True(exit == 0, stderr);
        Assert.Empty(stderr); // redirected: the result alone, no progress
        return stdout.Split(' ')[0];
    }

    [Fact]
    public async Task On_a_terminal_that_draws_verify_and_restore_show_a_bar_with_bytes_and_percent()
    {
        var id = await ABackupAsync();

        var (verifyExit, verify) = await OnTerminalAsync("xterm", "verify");
        var (restoreExit, restore) = await OnTerminalAsync("xterm", "restore", "--output", "restored.db");

        Assert.Equal((0, 0), (verifyExit, restoreExit));
        foreach (var screen in new[] { verify, restore })
        {
            Assert.Contains($"Reading {id}.db.zst", screen);
            Assert.Contains("100%", screen);
            Assert.Matches(@"\d+\.\d MiB", screen);
            Assert.Contains("\e[", screen); // drawn with ANSI sequences, redrawn in place
        }
        Assert.Contains("integrity ok", verify);
    }

    [Fact]
    public async Task On_a_plain_terminal_each_transfer_ends_with_a_line_of_bytes_time_and_rate()
    {
        var id = await ABackupAsync();

        var (exit, screen) = await OnTerminalAsync("dumb", "verify");

        Assert.Equal(0, exit);
        Assert.Matches(PlainLine(id), screen);
        Assert.DoesNotContain("\e[", screen);
    }

    [Fact]
    public async Task A_backup_on_a_terminal_shows_its_upload_and_the_read_back_that_verifies_it()
    {
        Files.SeedIncompressibleBlog(Path.Combine(_dir, "data", "blog.db"), megabytes: 3);

        var (exit, screen) = await OnTerminalAsync("dumb", "backup");

        Assert.Equal(0, exit);
        var id = Regex.Match(screen, @"(\d{8}T\d{9}Z-[0-9a-f]{6}) verified").Groups[1].Value;
        Assert.Matches(@$"Uploading {id}\.db\.zst: \d+\.\d MiB in \d+\.\ds \(", screen);
        Assert.Matches(PlainLine(id), screen);
    }

    private static Regex PlainLine(string id) => new(@$"Reading {Regex.Escape(id)}\.db\.zst: \d+\.\d MiB in \d+\.\ds \(\d+(\.\d)? [KMG]?i?B/s\)");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
