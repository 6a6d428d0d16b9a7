using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Host.Tests;

/// <summary>
/// The disaster drill with the real program: a blog backs up, its machine loses the whole data
/// directory, and <c>restore</c> (or restore-if-missing at start) brings every post back.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RestoreProgramTests : IDisposable
{
    private readonly Drill _drill = new(Drill.FileTargetConfig);

    [Fact]
    public async Task After_losing_the_data_directory_restore_brings_every_post_back()
    {
        var (posts, backupId) = await _drill.BlogWithABackupAsync(whileRunning: async () =>
        {
            var inUse = await _drill.RunAsync("restore", "--force");
            Assert.Equal(1, inUse.ExitCode);
            Assert.Contains("in use by a running host", inUse.Stderr);
            Assert.Single(inUse.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        });

        var verify = await _drill.RunAsync("verify", "--id", backupId);
        Assert.Equal(0, verify.ExitCode);
        Assert.Contains(backupId, verify.Stdout);
        Assert.Contains("checksum  ok", verify.Stdout);
        Assert.Contains("integrity ok", verify.Stdout);

        var exists = await _drill.RunAsync("restore");
        Assert.Equal(1, exists.ExitCode);
        Assert.Contains("--force", exists.Stderr);

        _drill.LoseTheDataDirectory();
        var restore = await _drill.RunAsync("restore");
        Assert.True(restore.ExitCode == 0, restore.Stderr);
        Assert.Contains(backupId, restore.Stdout);

        Assert.Equal(posts, await _drill.PostsAfterStartAsync());
    }

    [Fact]
    public async Task Restore_if_missing_brings_the_blog_back_at_start()
    {
        var (posts, backupId) = await _drill.BlogWithABackupAsync();
        _drill.LoseTheDataDirectory();

        var restored = await _drill.PostsAfterStartAsync(extraConfig: "actorblog.backup.restore-if-missing = on", expectLog: backupId);

        Assert.Equal(posts, restored);
    }

    [Fact]
    public async Task Without_restore_if_missing_or_without_backups_a_missing_database_starts_a_new_blog()
    {
        Assert.Empty(await _drill.PostsAfterStartAsync(extraConfig: "actorblog.backup.restore-if-missing = on", expectLog: "no backups"));
        _drill.LoseTheDataDirectory();
        await _drill.BlogWithABackupAsync();
        _drill.LoseTheDataDirectory();
        Assert.Empty(await _drill.PostsAfterStartAsync(expectLog: "starting a new blog"));
    }

    [Theory]
    [InlineData(1, "restore", "--id", "20200101T000000000Z-abcdef")]
    [InlineData(1, "verify", "--id", "20200101T000000000Z-abcdef")]
    [InlineData(2, "restore", "--id", "20200101T000000000Z-abcdef", "--at", "2h ago")]
    [InlineData(2, "restore", "--at", "the day before yesterday")]
    [InlineData(2, "restore", "--no-such-option")]
    [InlineData(2, "verify", "--id")]
    public async Task Unknown_backups_fail_and_bad_arguments_are_usage_errors(int expected, params string[] args)
    {
        var (exit, _, stderr) = await _drill.RunAsync(args);
        Assert.Equal(expected, exit);
        if (expected == 1)
        {
            Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("20200101T000000000Z-abcdef", stderr);
        }
    }

    public void Dispose() => _drill.Dispose();
}

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Collection(S3rverCollection.Name)]
public sealed class RestoreS3ProgramTests(S3rverFixture s3) : IDisposable
{
    private readonly Drill _drill = new(Drill.S3TargetConfig(s3, "restore-" + Guid.NewGuid().ToString("N")), new Dictionary<string, string>
    {
        ["SPACES_KEY"] = S3rverFixture.AccessKey, ["SPACES_SECRET"] = S3rverFixture.SecretKey,
        ["ACTORBLOG_BACKUP_KEY"] = Convert.ToBase64String(Enumerable.Range(7, 32).Select(i => (byte)i).ToArray()),
    });

    [Fact]
    public async Task After_losing_the_machine_restore_from_s3_brings_every_post_back()
    {
        var (posts, backupId) = await _drill.BlogWithABackupAsync();
        _drill.LoseTheDataDirectory();

        var restore = await _drill.RunAsync("restore", "--id", backupId);
        Assert.True(restore.ExitCode == 0, restore.Stderr);

        Assert.Equal(posts, await _drill.PostsAfterStartAsync());
    }

    public void Dispose() => _drill.Dispose();
}

/// <summary>One blog's machine: a working directory with an operator config; backups kept where losing data/ does not reach.</summary>
internal sealed class Drill(string config, IReadOnlyDictionary<string, string>? environment = null) : IDisposable
{
    private const string Token = "restore-drill-token-0123456789abcdef";
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);
    private readonly string _dir = Directory.CreateTempSubdirectory("actorblog-restore-").FullName;

    public static string FileTargetConfig => "actorblog.backup.file.path = \"../backups\"\n";

    public static string S3TargetConfig(S3rverFixture s3, string prefix) => $$"""
        actorblog.backup { target = s3, s3 { endpoint = "{{s3.Endpoint}}", bucket = "{{s3.Bucket}}", region = "{{S3rverFixture.Region}}", prefix = "{{prefix}}", force-path-style = on } }
        """;

    private string DataDir => Path.Combine(_dir, "data");

    private Dictionary<string, string> Environment(string? extraConfig)
    {
        File.WriteAllText(Path.Combine(_dir, "operator.conf"), config + "\n" + (extraConfig ?? "") + "\n");
        var env = new Dictionary<string, string> { ["ACTORBLOG_AUTHOR_TOKEN"] = Token, ["ACTORBLOG_CONFIG"] = "operator.conf" };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) env[k] = v;
        return env;
    }

    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        ProgramProcess.RunAsync(_dir, Environment(null), args);

    public string PathOf(string relative) => Path.Combine(_dir, relative);

    /// <summary>An empty blog database, made by the library itself, for the CLI to back up without a host.</summary>
    public void NewBlogDatabase() => new ActorBlog.Posts.BlogDatabase(Path.Combine(DataDir, "blog.db"), TimeSpan.FromSeconds(5)).Migrate();

    public void LoseTheDataDirectory()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(DataDir)) Directory.Delete(DataDir, recursive: true);
    }

    /// <summary>Starts the blog, writes posts, takes a backup through the API and waits for it to be verified; returns every post as JSON.</summary>
    /// <param name="beforeBackup">More writes through the API before the backup is taken (images, say).</param>
    public async Task<(List<string> Posts, string BackupId)> BlogWithABackupAsync(Func<Task>? whileRunning = null, Func<HttpClient, Task>? beforeBackup = null)
    {
        await using var host = ProgramProcess.Start(_dir, Environment(null), "serve", "--urls", "http://127.0.0.1:0");
        using var client = Client(await host.Listening.WaitAsync(Deadline));
        for (var i = 0; i < 12; i++)
        {
            var created = await client.PostAsJsonAsync("/api/posts", new
            {
                title = $"Post {i} — ünïcode", markdown = $"Body of *post {i}*\n\n```\ncode {i}\n```", tags = new[] { "drill", $"t{i % 3}" },
                status = i % 4 == 0 ? "draft" : "published",
            });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        using (var edit = new HttpRequestMessage(HttpMethod.Put, "/api/posts/2") { Content = JsonContent.Create(new { title = "Edited", markdown = "Edited body" }) })
        {
            edit.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(edit)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/posts/3")).StatusCode);
        if (beforeBackup is not null) await beforeBackup(client);

        var id = await BackupState.RequestAsync(client);
        await WaitForBackupAsync(client, id);
        var posts = await AllPostsAsync(client);
        if (whileRunning is not null) await whileRunning();
        Assert.Equal(0, await host.StopAsync());
        return (posts, await NewestBackupAsync(id));
    }

    /// <summary>
    /// The newest backup the target holds once the host has stopped: the one asked for, or a base
    /// backup replication asked for a moment after it (its first commit starts a lineage), which
    /// `restore` then rightly prefers. Either holds every post; the drills check the newest.
    /// </summary>
    private async Task<string> NewestBackupAsync(string requested)
    {
        var (exit, stdout, stderr) = await RunAsync("backups", "--json");
        Assert.True(exit == 0, stderr);
        var ids = JsonDocument.Parse(stdout).RootElement.EnumerateArray().Select(b => b.GetProperty("id").GetString()!).ToList();
        Assert.Contains(requested, ids);
        return ids[0];
    }

    /// <summary>Starts the blog again (after a restore) and reads every post through the API.</summary>
    public async Task<List<string>> PostsAfterStartAsync(string? extraConfig = null, string? expectLog = null)
    {
        var (posts, output) = await StartAndReadPostsAsync(extraConfig);
        if (expectLog is not null) Assert.Contains(expectLog, output);
        return posts;
    }

    /// <summary>Starts the blog, reads every post through the API, stops it; returns the posts and everything it logged.</summary>
    public async Task<(List<string> Posts, string Output)> StartAndReadPostsAsync(string? extraConfig = null)
    {
        await using var host = ProgramProcess.Start(_dir, Environment(extraConfig), "serve", "--urls", "http://127.0.0.1:0");
        using var client = Client(await host.Listening.WaitAsync(Deadline));
        var posts = await AllPostsAsync(client);
        Assert.Equal(0, await host.StopAsync());
        return (posts, host.Output);
    }

    /// <summary>Starts the blog and runs <paramref name="read"/> against it (with the author token).</summary>
    public async Task<T> AfterStartAsync<T>(Func<HttpClient, Task<T>> read)
    {
        await using var host = ProgramProcess.Start(_dir, Environment(null), "serve", "--urls", "http://127.0.0.1:0");
        using var client = Client(await host.Listening.WaitAsync(Deadline));
        var result = await read(client);
        Assert.Equal(0, await host.StopAsync());
        return result;
    }

    private static HttpClient Client(Uri address)
    {
        var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    /// <summary>
    /// Until backup <paramref name="id"/> or a later one is the last verified and <paramref name="id"/> has not
    /// failed: replication's base backup can verify a moment after the one asked for, before a poll saw that
    /// one as the last. <see cref="NewestBackupAsync"/> then checks that the target lists the one asked for.
    /// </summary>
    private static Task WaitForBackupAsync(HttpClient client, string id) => BackupState.UntilAsync(client,
        s => BackupState.IdOf(s, "lastSuccess") is { } done && string.CompareOrdinal(done, id) >= 0 && BackupState.IdOf(s, "lastFailure") != id,
        $"backup {id} (or a later one) to verify", Deadline);

    /// <summary>Every post, drafts included, each exactly as the API renders it (id, slug, html, times, version).</summary>
    private static async Task<List<string>> AllPostsAsync(HttpClient client)
    {
        var list = await client.GetFromJsonAsync<JsonElement>("/api/posts?status=all");
        var posts = new List<string>();
        foreach (var post in list.EnumerateArray().OrderBy(p => p.GetProperty("id").GetInt64()))
        {
            var one = await client.GetStringAsync($"/api/posts/{post.GetProperty("id").GetInt64()}");
            posts.Add(one);
        }
        return posts;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
