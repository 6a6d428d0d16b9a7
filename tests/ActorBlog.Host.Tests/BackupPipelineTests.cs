using System.Collections;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActorBlog.Backup;
using ActorBlog.Backup.Format;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Host.Tests;

/// <summary>The backup pipeline inside the real host, against the file target and a real s3rver.</summary>
[Collection(S3rverCollection.Name)]
public sealed class BackupPipelineTests(S3rverFixture s3) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("actorblog-backup-tests-").FullName;

    // Scheduled backups are off so every backup in these tests is one the test asked for.
    private const string ManualOnly = "actorblog.backup.enabled = off\n";

    private Hashtable S3Environment(string endpoint) => new(s3.ProgramEnvironment(endpoint));

    private static string S3Config() => ManualOnly +
        $"actorblog.backup.s3 {{ force-path-style = on, prefix = \"host-{Guid.NewGuid():N}\" }}\n";

    private Task<TestHost> StartAsync(string target, Hashtable? extra = null, string? endpoint = null, string extraConfig = "")
    {
        var env = target == "s3" ? S3Environment(endpoint ?? s3.Endpoint) : new Hashtable();
        foreach (DictionaryEntry e in extra ?? new Hashtable()) env[e.Key] = e.Value;
        return TestHost.StartAsync((target == "s3" ? S3Config() : ManualOnly) + extraConfig, env);
    }

    private static async Task<IReadOnlyList<string>> WritePostsAsync(TestHost host, int n, string marker = "")
    {
        var titles = new List<string>();
        for (var i = 0; i < n; i++)
        {
            var title = $"Only in the WAL {i}";
            var response = await host.Client.PostAsJsonAsync("/api/posts", new { title, markdown = $"Body {i} {marker}", status = "published" });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            titles.Add(title);
        }
        return titles;
    }

    private static Task<string> RequestBackupAsync(TestHost host) => BackupState.RequestAsync(host.Client);

    private static Task<JsonElement> AwaitOutcomeAsync(TestHost host, string id) => BackupState.OutcomeAsync(host.Client, id);

    private static string? IdOf(JsonElement status, string outcome) => BackupState.IdOf(status, outcome);

    /// <summary>Decodes the stored object into a SQLite file and reads the post titles from it.</summary>
    private async Task<IReadOnlyList<string>> RestoredTitlesAsync(BackupCatalog catalog, BackupManifest manifest, byte[]? key)
    {
        var path = Path.Combine(_scratch, manifest.Id + ".db");
        await using (var stored = await catalog.OpenDataAsync(manifest, CancellationToken.None))
        await using (var file = File.Create(path))
            await BackupDecoder.DecodeAsync(stored, file, key, manifest.Sha256);
        return Files.PostTitles(path);
    }

    private static int PostsInMainFileAlone(string dbPath, string scratch)
    {
        var copy = Path.Combine(scratch, "main-file-only.db");
        using (var source = new FileStream(dbPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var target = File.Create(copy))
            source.CopyTo(target);
        using var connection = new SqliteConnection($"Data Source={copy};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM posts";
        return Convert.ToInt32(command.ExecuteScalar());
    }

    [Theory]
    [InlineData("file")]
    [InlineData("s3")]
    public async Task A_backup_holds_commits_that_are_still_only_in_the_WAL(string target)
    {
        await using var host = await StartAsync(target);
        var titles = await WritePostsAsync(host, 5);
        Assert.Equal(0, PostsInMainFileAlone(host.Options.Blog.DatabasePath, _scratch)); // they live in blog.db-wal only

        var id = await RequestBackupAsync(host);
        var status = await AwaitOutcomeAsync(host, id);

        Assert.Equal(0, status.GetProperty("consecutiveFailures").GetInt32());
        Assert.Equal("uploaded", status.GetProperty("lastTick").GetProperty("result").GetString());
        var catalog = host.Services.GetRequiredService<BackupCatalog>();
        var manifest = Assert.Single(await catalog.ListAsync(CancellationToken.None));
        Assert.Equal(id, manifest.Id);
        Assert.Equal(5, manifest.PostCount);
        Assert.Equal(titles, await RestoredTitlesAsync(catalog, manifest, key: null));

        var listed = await host.Client.GetFromJsonAsync<JsonElement[]>("/api/backups");
        Assert.Equal(id, Assert.Single(listed!).GetProperty("id").GetString());
    }

    /// <summary>
    /// On the way up (the shipped verify-after-upload = off: s3rver's ETag, the MD5 of what it
    /// received, disagrees with ours, so the object is read back and found wrong), or in the
    /// read-back itself (verify-after-upload = on reads back whatever the store answered).
    /// </summary>
    [Theory]
    [InlineData("upload")]
    [InlineData("read-back")]
    public async Task A_byte_changed_in_transit_fails_the_backup_and_it_never_shows_as_verified(string where)
    {
        await using var proxy = await FaultProxy.StartAsync(s3.Endpoint);
        await using var host = await StartAsync("s3", endpoint: proxy.Endpoint,
            extraConfig: where == "read-back" ? "actorblog.backup.verify-after-upload = on\n" : "");
        await WritePostsAsync(host, 2);
        if (where == "upload") proxy.CorruptPutsEndingWith = BackupNaming.DataSuffix;
        else proxy.CorruptGetsEndingWith = BackupNaming.DataSuffix;

        var id = await RequestBackupAsync(host);
        var status = await AwaitOutcomeAsync(host, id);

        Assert.True(proxy.Corrupted > 0);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("lastSuccess").ValueKind);
        Assert.Equal(1, status.GetProperty("consecutiveFailures").GetInt32());
        var catalog = host.Services.GetRequiredService<BackupCatalog>();
        var dataKey = catalog.DataKeyFor(id, encrypted: false);
        var error = status.GetProperty("lastFailure").GetProperty("error").GetString()!;
        if (where == "upload")
        {
            // s3rver keeps the damaged bytes with their own MD5, so only our SHA-256 can tell.
            Assert.Matches($"^upload failed: Backup {Regex.Escape(id)} read back from {Regex.Escape(catalog.Target.Describe())} as [0-9]+ bytes sha256 [0-9a-f]{{64}}, but [0-9]+ bytes sha256 [0-9a-f]{{64}} were sent\\.$", error);
        }
        else
        {
            // A single-part object: the store's MD5 (its ETag) is checked as the read-back reaches the end, before our SHA-256 is compared.
            Assert.Equal($"upload failed: Backup {id} read back from {catalog.Target.Describe()} damaged: s3://{s3.Bucket}/{dataKey} is not what was stored: " +
                         "its bytes do not match the MD5 (ETag) the store keeps for it.", error);
        }
        Assert.Empty((await host.Client.GetFromJsonAsync<JsonElement[]>("/api/backups"))!);
        Assert.Empty(await catalog.Target.ListKeysAsync(dataKey, CancellationToken.None)); // the unverified object was removed
        var health = await host.Client.GetFromJsonAsync<JsonElement>("/healthz");
        Assert.Equal("degraded", health.GetProperty("status").GetString());

        proxy.CorruptGetsEndingWith = proxy.CorruptPutsEndingWith = null;
        // Right after a failure the upload actor may still be in its backoff; the author simply asks again.
        var recovered = await Eventually.Until(async () => await AwaitOutcomeAsync(host, await RequestBackupAsync(host)),
            s => IdOf(s, "lastSuccess") is not null, what: "a verified backup after the fault is gone");
        Assert.Equal(0, recovered.GetProperty("consecutiveFailures").GetInt32());
        Assert.Equal("healthy", (await host.Client.GetFromJsonAsync<JsonElement>("/healthz")).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("file")]
    [InlineData("s3")]
    public async Task With_a_key_the_store_never_sees_plaintext_and_a_wrong_key_is_a_clear_error(string target)
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 3)).ToArray();
        var marker = "PLAINTEXT-MARKER-" + Guid.NewGuid().ToString("N");
        await using var host = await StartAsync(target, new Hashtable { ["ACTORBLOG_BACKUP_KEY"] = Convert.ToBase64String(key) });
        var titles = await WritePostsAsync(host, 3, marker);

        var id = await RequestBackupAsync(host);
        await AwaitOutcomeAsync(host, id);

        var catalog = host.Services.GetRequiredService<BackupCatalog>();
        var manifest = Assert.Single(await catalog.ListAsync(CancellationToken.None));
        Assert.True(manifest.Encrypted);
        var stored = new MemoryStream();
        await using (var data = await catalog.OpenDataAsync(manifest, CancellationToken.None)) await data.CopyToAsync(stored);
        Assert.Equal("ABE1", Encoding.ASCII.GetString(stored.ToArray(), 0, 4));
        Assert.DoesNotContain(marker, Encoding.Latin1.GetString(stored.ToArray()));

        Assert.Equal(titles, await RestoredTitlesAsync(catalog, manifest, key));
        var wrongKey = key.Select(b => (byte)~b).ToArray();
        var e = await Assert.ThrowsAsync<BackupKeyException>(() => RestoredTitlesAsync(catalog, manifest, wrongKey));
        Assert.Contains("key", e.Message, StringComparison.OrdinalIgnoreCase);
        await Assert.ThrowsAsync<BackupKeyException>(() => RestoredTitlesAsync(catalog, manifest, null));
    }

    [Theory]
    [InlineData("file")]
    [InlineData("s3")]
    public async Task A_failed_restore_drill_shows_in_the_state_and_makes_healthz_degraded(string target)
    {
        await using var host = await StartAsync(target, extraConfig: "actorblog.backup.drill.interval = 1s\n");
        await WritePostsAsync(host, 2);
        var id = await RequestBackupAsync(host);
        await AwaitOutcomeAsync(host, id);
        var passed = await BackupState.UntilAsync(host.Client, s => s.GetProperty("lastDrill").ValueKind == JsonValueKind.Object, "a first drill");
        Assert.True(passed.GetProperty("lastDrill").GetProperty("ok").GetBoolean());
        Assert.Equal("healthy", (await host.Client.GetFromJsonAsync<JsonElement>("/healthz")).GetProperty("status").GetString());

        // Damaged where each store keeps the bytes: the folder's file, s3rver's object file (its MD5 left as it was).
        var dataKey = host.Services.GetRequiredService<BackupCatalog>().DataKeyFor(id, encrypted: false);
        var data = target == "file" ? Path.Combine(host.Options.Backup.FilePath, dataKey) : s3.StoredObjectPath(dataKey);
        var bytes = await File.ReadAllBytesAsync(data);
        bytes[^10] ^= 0x01;
        await File.WriteAllBytesAsync(data, bytes);
        var failed = await BackupState.UntilAsync(host.Client, s => s.GetProperty("lastDrill").GetProperty("ok").GetBoolean() == false, "a failed drill");

        Assert.Equal(id, failed.GetProperty("lastDrill").GetProperty("backupId").GetString());
        var error = failed.GetProperty("lastDrill").GetProperty("error").GetString()!;
        Assert.StartsWith($"backup {id} is damaged: ", error);
        Assert.DoesNotContain("Exception", error);
        var health = await host.Client.GetFromJsonAsync<JsonElement>("/healthz");
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/")).StatusCode); // readers are still served
    }

    [Fact]
    public async Task An_unusable_staging_directory_fails_the_backup_with_its_cause_and_the_blog_keeps_writing()
    {
        var root = Directory.CreateTempSubdirectory("actorblog-staging-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "data"));
        // Tests run as root, for whom a read-only directory is still writable: a file in the way fails for everyone.
        File.WriteAllText(Path.Combine(root, "data", "tmp"), "not a directory");
        await using var host = await TestHost.StartAsync(ManualOnly, root: root);

        var id = await RequestBackupAsync(host);
        var status = await AwaitOutcomeAsync(host, id);
        var write = await host.Client.PostAsJsonAsync("/api/posts", new { title = "Still writing", markdown = "x", status = "published" });

        Assert.Equal(1, status.GetProperty("consecutiveFailures").GetInt32());
        Assert.StartsWith("snapshot failed:", status.GetProperty("lastFailure").GetProperty("error").GetString());
        Assert.Contains("tmp", status.GetProperty("lastFailure").GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Created, write.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/posts/still-writing")).StatusCode);
        Assert.Empty(await host.Services.GetRequiredService<BackupCatalog>().ListAsync(CancellationToken.None));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_scratch, recursive: true);
    }
}
