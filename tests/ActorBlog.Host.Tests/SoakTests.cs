using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorBlog.Backup;
using ActorBlog.Backup.Restore;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ActorBlog.Host.Tests;

/// <summary>
/// Backups every second under concurrent readers and writers. CI runs it briefly; bench/soak runs
/// the same test for 30 minutes (ACTORBLOG_SOAK_SECONDS). Afterwards: no failed request, no leaked
/// handles or staging files, memory flat, and every written post in the newest backup.
/// </summary>
[Collection(SoakCollection.Name)]
public sealed class SoakTests(ITestOutputHelper output)
{
    private static TimeSpan Duration =>
        TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("ACTORBLOG_SOAK_SECONDS"), out var s) && s > 0 ? s : 30);

    private static int OpenFileDescriptors() => Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();

    private static long ManagedMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    [Fact]
    public async Task Backups_every_second_under_readers_and_writers_lose_nothing_and_leak_nothing()
    {
        await using var host = await TestHost.StartAsync("""
            actorblog.backup { interval = 1s, drill.interval = 5s, retention.keep-last = 5, retention.keep-daily = 1, retention.keep-weekly = 0, retention.keep-monthly = 0 }
            """);
        await host.Client.PostAsJsonAsync("/api/posts", new { title = "Warm up", markdown = "x", tags = new[] { "w0", "w1", "w2", "w3" }, status = "published" });
        await BackupState.VerifiedAsync(host.Client);
        var (fdsBefore, memoryBefore) = (OpenFileDescriptors(), ManagedMemory());

        var written = new System.Collections.Concurrent.ConcurrentBag<string>();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var reads = 0;
        var clock = Stopwatch.StartNew();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; clock.Elapsed < Duration && i < 1_000_000; i++)
            {
                var title = $"soak {w}-{i}";
                var response = await host.Client.PostAsJsonAsync("/api/posts", new { title, markdown = $"Post {i} by writer {w}.", tags = new[] { $"w{w}" }, status = "published" });
                if (response.StatusCode == HttpStatusCode.Created) written.Add(title);
                else failures.Add($"POST {(int)response.StatusCode}");
            }
        }));
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            using var client = host.NewClient(null);
            var paths = new[] { "/", "/feed.xml", "/sitemap.xml", $"/tags/w{r}", "/posts/warm-up", "/healthz" };
            for (var i = 0; clock.Elapsed < Duration && i < 10_000_000; i++)
            {
                var response = await client.GetAsync(paths[i % paths.Length]);
                if (response.StatusCode != HttpStatusCode.OK) failures.Add($"GET {paths[i % paths.Length]} {(int)response.StatusCode}");
                Interlocked.Increment(ref reads);
            }
        }));
        var backupsSeen = new HashSet<string>();
        var watcher = Task.Run(async () =>
        {
            using var client = host.NewClient(TestHost.Token);
            while (clock.Elapsed < Duration)
            {
                if (BackupState.IdOf(await BackupState.GetAsync(client), "lastSuccess") is { } seen) backupsSeen.Add(seen);
                await Task.Delay(200); // sampling, not synchronization: it only counts what it sees
            }
        });
        await Task.WhenAll(writers.Concat(readers).Append(watcher));

        // One last backup after the last write: it must hold every post ever acknowledged.
        var last = await BackupState.RequestAsync(host.Client);
        var state = await BackupState.VerifiedAsync(host.Client, last);
        var catalog = host.Services.GetRequiredService<BackupCatalog>();
        var newest = (await catalog.ListAsync(CancellationToken.None))[0];
        var restoredPath = Path.Combine(host.Root, "soak-restored.db");
        await new Restorer(catalog, null).RestoreToFileAsync(newest, restoredPath, CancellationToken.None);
        var titles = Files.PostTitles(restoredPath).ToHashSet();
        var (fdsAfter, memoryAfter) = (OpenFileDescriptors(), ManagedMemory());
        var listed = await catalog.ListAsync(CancellationToken.None);

        output.WriteLine($"soak {Duration.TotalSeconds:0}s: {written.Count} posts written, {reads} reads, {failures.Count} failed requests, " +
                         $"at least {backupsSeen.Count} backups verified, last {last}, {listed.Count} kept, consecutive failures {state.GetProperty("consecutiveFailures")}, " +
                         $"fds {fdsBefore} -> {fdsAfter}, managed memory {memoryBefore / 1024 / 1024} MiB -> {memoryAfter / 1024 / 1024} MiB");
        Assert.Empty(failures);
        Assert.True(written.Count > 0);
        Assert.True(backupsSeen.Count >= Duration.TotalSeconds / 10, $"only {backupsSeen.Count} backups in {Duration}");
        Assert.Equal(last, newest.Id);
        Assert.Empty(written.Where(t => !titles.Contains(t)).Take(5));
        Assert.Empty(Directory.EnumerateFiles(host.Options.Backup.TempDir));
        Assert.InRange(listed.Count, 1, 6); // retention kept up with a backup a second
        Assert.True(fdsAfter <= fdsBefore + 32, $"file descriptors grew from {fdsBefore} to {fdsAfter}");
        Assert.True(memoryAfter <= memoryBefore + 64L * 1024 * 1024, $"managed memory grew from {memoryBefore} to {memoryAfter}");
    }
}

/// <summary>
/// The soak counts this process's file descriptors before and after, so it runs alone: another
/// test class's hosts, sockets and child processes open descriptors in the same process and would
/// be counted as the soak's own (seen in CI: 448 -> 488 beside other tests, 417 -> 436 alone).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoakCollection
{
    public const string Name = "soak, alone";
}
