using System.Security.Cryptography;
using ActorBlog.Backup;
using ActorBlog.Backup.Format;
using ActorBlog.Backup.Restore;
using ActorBlog.Backup.Targets;
using ActorBlog.Posts;
using ActorBlog.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Tests.Backup.Targets;

/// <summary>
/// What every <see cref="IBackupTarget"/> promises, written once and run against each target
/// (<see cref="FileTargetContractTests"/>, <see cref="S3TargetContractTests"/>), the way Litestream
/// runs one suite over all its replica clients. Damage is done to the bytes where each store keeps
/// them, behind its back, so a check the store makes itself gets its chance to catch it.
/// </summary>
public abstract class BackupTargetContract : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    protected TempDirectory Dir { get; } = new();

    /// <summary>The target under test; it holds nothing under <see cref="Prefix"/> yet.</summary>
    protected abstract IBackupTarget Target { get; }

    /// <summary>The keys of this test start with it, so tests sharing a store stay apart.</summary>
    protected abstract string Prefix { get; }

    /// <summary>
    /// True when the store checks what it returns against a checksum of its own (S3's MD5 of a
    /// single-part object): reading damaged bytes then throws. A folder has no such check and returns them.
    /// </summary>
    protected abstract bool ChecksWhatItReturns { get; }

    /// <summary>Rewrites the bytes the store keeps for <paramref name="key"/>, where it keeps them.</summary>
    protected abstract void Damage(string key, Func<byte[], byte[]> change);

    /// <summary>The same kind of target over a store that fails every call.</summary>
    protected abstract Task<IBackupTarget> FailingTargetAsync();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Dir.Dispose();
        return Task.CompletedTask;
    }

    private string Key(string rest) => Prefix + rest;

    private async Task<(string Key, byte[] Bytes)> PutRandom(string rest, int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        var source = Dir.File(Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(source, bytes);
        await Target.PutFileAsync(Key(rest), source);
        return (Key(rest), bytes);
    }

    private static async Task<byte[]> ReadAll(IBackupTarget target, string key)
    {
        await using var stream = await target.OpenReadAsync(key, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task Put_then_read_returns_the_same_bytes_and_a_second_put_replaces_them()
    {
        var (key, bytes) = await PutRandom("2026/12/01/object.db.zst", 300_001);
        Assert.Equal(bytes, await ReadAll(Target, key));

        var (_, replaced) = await PutRandom("2026/12/01/object.db.zst", 17, seed: 2);
        Assert.Equal(replaced, await ReadAll(Target, key));
    }

    /// <summary>Writes <paramref name="bytes"/> into a streamed put in slices that line up with no buffer or part size.</summary>
    private static async Task WriteInSlices(Stream stream, byte[] bytes, CancellationToken ct, int failAfter = int.MaxValue)
    {
        const int slice = 100_003;
        for (var offset = 0; offset < bytes.Length; offset += slice)
        {
            if (offset >= failAfter) throw new InvalidDataException("the writer gave up");
            await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(slice, bytes.Length - offset)), ct);
        }
    }

    [Theory]
    [InlineData(17)]
    [InlineData(300_001)]
    [InlineData(8 * 1024 * 1024)]         // exactly one S3 part: a single PutObject
    [InlineData(20 * 1024 * 1024 + 123)]  // S3: two full parts and a short one held, still a single PutObject
    [InlineData(32 * 1024 * 1024)]        // S3: the largest single PutObject
    [InlineData(40 * 1024 * 1024 + 123)]  // S3 multipart: four held parts go up, then a fifth and a short one
    public async Task A_streamed_put_stores_exactly_what_was_written_and_a_second_one_replaces_it(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        var key = Key("2026/12/01/streamed.db.zst");

        await Target.PutStreamAsync(key, (stream, ct) => WriteInSlices(stream, bytes, ct), CancellationToken.None);
        Assert.Equal(bytes, await ReadAll(Target, key));

        await Target.PutStreamAsync(key, (stream, ct) => stream.WriteAsync(bytes.AsMemory(0, 5), ct).AsTask(), CancellationToken.None);
        Assert.Equal(bytes[..5], await ReadAll(Target, key));
        Assert.Equal([key], await Target.ListKeysAsync(Prefix, CancellationToken.None));
    }

    [Theory]
    [InlineData(false, 150_000)]
    [InlineData(false, 10 * 1024 * 1024)] // S3: past the first part, held
    [InlineData(false, 36 * 1024 * 1024)] // S3: past the single-put limit: the held parts are going up
    [InlineData(true, 150_000)]
    [InlineData(true, 10 * 1024 * 1024)]
    [InlineData(true, 36 * 1024 * 1024)]
    public async Task A_streamed_put_whose_writer_fails_or_is_cancelled_leaves_nothing_under_the_key(bool cancel, int failAfter)
    {
        var bytes = new byte[48 * 1024 * 1024];
        new Random(3).NextBytes(bytes);
        var key = Key("2026/12/01/abandoned.db.zst");
        using var cts = new CancellationTokenSource();

        var put = Target.PutStreamAsync(key, async (stream, ct) =>
        {
            if (!cancel)
            {
                await WriteInSlices(stream, bytes, ct, failAfter);
                return;
            }
            await stream.WriteAsync(bytes.AsMemory(0, failAfter), ct);
            await cts.CancelAsync();
            await stream.WriteAsync(bytes.AsMemory(failAfter, 8 * 1024 * 1024), ct);
            ct.ThrowIfCancellationRequested();
        }, cts.Token);

        if (cancel) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => put);
        else Assert.Equal("the writer gave up", (await Assert.ThrowsAsync<InvalidDataException>(() => put)).Message);
        Assert.Empty(await Target.ListKeysAsync(Prefix, CancellationToken.None));
        await Assert.ThrowsAsync<BackupNotFoundException>(() => Target.OpenReadAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task Listing_is_a_plain_string_prefix_at_any_depth_in_ordinal_order()
    {
        // "B" < "a" and "a/" < "ab" in ordinal order; "a/2/3/deep" is two folders down.
        foreach (var rest in new[] { "b/2/x", "a/1/y", "B/1/z", "a/1/x", "ab/z", "a/2/3/deep" })
            await PutRandom(rest, 10);

        Assert.Equal(new[] { "B/1/z", "a/1/x", "a/1/y", "a/2/3/deep", "ab/z", "b/2/x" }.Select(Key), await Target.ListKeysAsync(Prefix, CancellationToken.None));
        Assert.Equal(new[] { "a/1/x", "a/1/y", "a/2/3/deep" }.Select(Key), await Target.ListKeysAsync(Key("a/"), CancellationToken.None));
        Assert.Equal(new[] { "a/1/x", "a/1/y", "a/2/3/deep", "ab/z" }.Select(Key), await Target.ListKeysAsync(Key("a"), CancellationToken.None));
        Assert.Equal([Key("a/1/x")], await Target.ListKeysAsync(Key("a/1/x"), CancellationToken.None));
        Assert.Empty(await Target.ListKeysAsync(Key("c/"), CancellationToken.None));
    }

    [Fact]
    public async Task A_prefix_never_written_to_lists_nothing() =>
        Assert.Empty(await Target.ListKeysAsync(Key("never/"), CancellationToken.None));

    [Fact]
    public async Task Delete_removes_the_object_and_deleting_a_missing_one_succeeds()
    {
        var (key, _) = await PutRandom("x/y", 10);
        var (kept, _) = await PutRandom("x/z", 10);

        await Target.DeleteAsync(key, CancellationToken.None);
        await Target.DeleteAsync(key, CancellationToken.None);
        await Target.DeleteAsync(Key("never/was/here"), CancellationToken.None);

        Assert.Equal([kept], await Target.ListKeysAsync(Prefix, CancellationToken.None));
        await Assert.ThrowsAsync<BackupNotFoundException>(() => Target.OpenReadAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task Reading_a_missing_object_throws_not_found_naming_the_key()
    {
        var e = await Assert.ThrowsAsync<BackupNotFoundException>(() => Target.OpenReadAsync(Key("no/such/key"), CancellationToken.None));
        Assert.Equal(Key("no/such/key"), e.Key);
    }

    public static TheoryData<string> Damages => ["a flipped byte", "a truncated object"];

    private static byte[] Apply(string damage, byte[] bytes)
    {
        if (damage == "a truncated object") return bytes[..(bytes.Length / 2)];
        var copy = bytes.ToArray();
        copy[copy.Length / 2] ^= 0x20;
        return copy;
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public async Task Damaged_bytes_are_damage_to_a_reader_never_a_store_error(string damage)
    {
        var (key, bytes) = await PutRandom("2026/12/01/damaged.db.zst", 200_000);
        var damaged = Apply(damage, bytes);
        Damage(key, _ => damaged);

        if (ChecksWhatItReturns)
        {
            var e = await Assert.ThrowsAsync<BackupCorruptException>(() => ReadAll(Target, key));
            Assert.Contains(key, e.Message);
            Assert.Equal(e.Message, BackupErrors.Describe(e));
        }
        else
        {
            Assert.Equal(damaged, await ReadAll(Target, key));
        }
    }

    [Theory]
    [InlineData("a flipped byte", false)]
    [InlineData("a flipped byte", true)]
    [InlineData("a truncated object", false)]
    [InlineData("a truncated object", true)]
    public async Task A_damaged_backup_fails_its_restore_as_damaged_naming_it_in_one_line(string damage, bool encrypted)
    {
        var key = encrypted ? RandomNumberGenerator.GetBytes(32) : null;
        var catalog = new BackupCatalog(Target, Prefix.TrimEnd('/'));
        var good = await BackUp(catalog, T0, key);
        var backup = await BackUp(catalog, T0.AddHours(1), key);
        Damage(backup.DataKey, bytes => Apply(damage, bytes));
        var restorer = new Restorer(catalog, key);

        var e = await Assert.ThrowsAsync<BackupCorruptException>(() =>
            restorer.RestoreToFileAsync(backup, Dir.File("restored.db"), CancellationToken.None));

        Assert.StartsWith($"backup {backup.Id} is damaged: ", e.Message);
        var line = BackupErrors.Describe(e);
        Assert.Equal(e.Message, line);
        Assert.DoesNotContain("Exception", line);
        Assert.DoesNotContain('\n', line);
        // The next older one is untouched and still restores.
        Assert.Equal(good.Id, (await restorer.RestoreToFileAsync(good, Dir.File("older.db"), CancellationToken.None)).Backup.Id);
    }

    [Fact]
    public async Task A_store_that_fails_is_never_taken_for_a_missing_or_a_damaged_object()
    {
        var (key, _) = await PutRandom("2026/12/01/k", 10);
        var failing = await FailingTargetAsync();

        var failures = new[]
        {
            await Record(() => failing.PutStreamAsync(key, (stream, ct) => stream.WriteAsync(new byte[] { 1, 2, 3 }, ct).AsTask(), CancellationToken.None)),
            await Record(() => failing.OpenReadAsync(key, CancellationToken.None)),
            await Record(() => failing.ListKeysAsync(Prefix, CancellationToken.None)),
            await Record(() => failing.DeleteAsync(key, CancellationToken.None)),
        };

        Assert.All(failures, e =>
        {
            Assert.IsAssignableFrom<IOException>(e);
            Assert.IsNotType<BackupNotFoundException>(e);
            Assert.IsNotType<BackupCorruptException>(e);
            var line = BackupErrors.Describe(e);
            Assert.Equal(e.Message.ReplaceLineEndings(" ").Trim(), line);
            Assert.DoesNotContain("Exception", line);
        });
    }

    [Fact]
    public async Task A_snapshot_that_fails_its_check_is_never_stored()
    {
        var catalog = new BackupCatalog(Target, Prefix.TrimEnd('/'));
        var good = await BackUp(catalog, T0, key: null);
        var blog = Dir.File("live/blog.db");
        var prepared = await BackupJob.PrepareAsync(blog, Dir.File("tmp"), catalog, BackupNaming.NewId(T0.AddHours(1)), T0.AddHours(1), null, 3, CancellationToken.None);
        // Scribble over the pages of the file's second half: the copy opens, and the check run on it
        // beside the upload finds its b-tree pages corrupt.
        await using (var file = new FileStream(prepared.SnapshotPath, FileMode.Open, FileAccess.Write))
        {
            var page = new byte[4096];
            Array.Fill(page, (byte)0x5a);
            for (var offset = file.Length / 2 / page.Length * page.Length; offset < file.Length; offset += page.Length)
            {
                file.Position = offset;
                await file.WriteAsync(page);
            }
        }

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => BackupJob.UploadAsync(catalog, prepared, verify: true, CancellationToken.None));

        Assert.StartsWith("the database copy failed quick_check: ", e.Message);
        Assert.Contains("btreeInitPage() returns error code 11", e.Message); // SQLITE_CORRUPT, page by page
        Assert.Equal([good], await catalog.ListAsync(CancellationToken.None));
        Assert.Equal(new[] { good.DataKey, catalog.ManifestKeyFor(good.Id) }.Order(StringComparer.Ordinal), await Target.ListKeysAsync(Prefix, CancellationToken.None));
        Assert.False(File.Exists(prepared.SnapshotPath));
    }

    private static async Task<Exception> Record(Func<Task> call) =>
        await Record(async () => { await call(); return 0; });

    private static async Task<Exception> Record<T>(Func<Task<T>> call)
    {
        try
        {
            await call();
        }
        catch (Exception e)
        {
            return e;
        }
        throw new Xunit.Sdk.XunitException("the call to a failing store succeeded");
    }

    /// <summary>A real blog database backed up through the catalog, as the upload step does.</summary>
    private async Task<BackupManifest> BackUp(BackupCatalog catalog, DateTimeOffset at, byte[]? key)
    {
        var blog = Dir.File("live/blog.db");
        if (!File.Exists(blog)) new BlogDatabase(blog, TimeSpan.FromSeconds(5)).Migrate();
        using (var writer = new PostWriter(new BlogDatabase(blog, TimeSpan.FromSeconds(5)).OpenWriter(), new MarkdownRenderer(), TimeProvider.System))
            Assert.All(writer.Apply([new CreatePost(new PostInput($"Post at {at:O}", null, "Body **bold** " + new string('x', 5000), ["t"], "published"))]),
                r => Assert.IsType<PostSaved>(r));
        var prepared = await BackupJob.PrepareAsync(blog, Dir.File("tmp"), catalog, BackupNaming.NewId(at), at, key, 3, CancellationToken.None);
        return await BackupJob.UploadAsync(catalog, prepared, verify: true, CancellationToken.None);
    }
}
