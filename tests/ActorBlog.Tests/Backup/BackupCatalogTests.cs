using System.Text;
using ActorBlog.Backup;
using ActorBlog.Backup.Format;
using ActorBlog.Backup.Targets;
using ActorBlog.Tests.Infrastructure;

namespace ActorBlog.Tests.Backup;

public sealed class BackupCatalogTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();
    private readonly FileBackupTarget _target;
    private readonly BackupCatalog _catalog;
    private readonly string _dbPath;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _skipped = new();

    public BackupCatalogTests()
    {
        _target = new FileBackupTarget(_dir.File("backups"));
        _catalog = new BackupCatalog(_target, "", (key, _) => _skipped.Enqueue(key));
        _dbPath = _dir.File("blog.db");
        SqliteFiles.Create(_dbPath, rows: 200, "marker");
    }

    public void Dispose() => _dir.Dispose();

    private async Task<BackupManifest> Store(DateTimeOffset at, byte[]? key = null)
    {
        var (manifest, path) = await CatalogTestSupport.Encode(_catalog, _dbPath, _dir.Path, at, key);
        return await _catalog.StoreFileAsync(path, manifest, verify: true, CancellationToken.None);
    }

    [Fact]
    public async Task Stored_backups_are_listed_newest_first()
    {
        var middle = await Store(T0.AddDays(1));
        var oldest = await Store(T0);
        var newest = await Store(T0.AddDays(30), key: new byte[32]);

        var listed = await _catalog.ListAsync(CancellationToken.None);

        Assert.Equal([newest, middle, oldest], listed);
        Assert.EndsWith(".db.zst.enc", newest.DataKey);
        Assert.Empty(_skipped);
    }

    [Fact]
    public async Task Equal_times_are_ordered_by_id()
    {
        var a = await Store(T0);
        var b = await Store(T0);

        var listed = await _catalog.ListAsync(CancellationToken.None);

        Assert.Equal(new[] { a, b }.OrderByDescending(m => m.Id, StringComparer.Ordinal), listed);
    }

    [Fact]
    public async Task Stored_data_decodes_to_the_database()
    {
        var manifest = await Store(T0);

        await using var stored = await _catalog.OpenDataAsync(manifest, CancellationToken.None);
        using var sqlite = new MemoryStream();
        var decoded = await BackupDecoder.DecodeAsync(stored, sqlite, key: null, manifest.Sha256);

        Assert.Equal(await File.ReadAllBytesAsync(_dbPath), sqlite.ToArray());
        Assert.Equal(manifest.StoredBytes, decoded.StoredBytes);
    }

    [Fact]
    public async Task The_manifest_is_written_beside_the_data_in_a_day_folder()
    {
        var manifest = await Store(T0);

        var keys = await _target.ListKeysAsync("", CancellationToken.None);

        Assert.Equal([$"2026/11/20/{manifest.Id}.db.zst", $"2026/11/20/{manifest.Id}.manifest.json"], keys);
    }

    [Fact]
    public async Task A_data_object_without_a_manifest_is_never_listed()
    {
        var complete = await Store(T0);
        var (orphan, path) = await CatalogTestSupport.Encode(_catalog, _dbPath, _dir.Path, T0.AddHours(1));
        await _target.PutFileAsync(orphan.DataKey, path);

        Assert.Equal([complete], await _catalog.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Unreadable_manifests_are_skipped_and_reported()
    {
        var good = await Store(T0);
        var garbageKey = _catalog.ManifestKeyFor(BackupNaming.NewId(T0.AddDays(2)));
        var wrongIdKey = _catalog.ManifestKeyFor(BackupNaming.NewId(T0.AddDays(3)));
        await PutText(garbageKey, "{ not json");
        await PutText(wrongIdKey, BackupManifest.Serialize(good));

        var listed = await _catalog.ListAsync(CancellationToken.None);

        Assert.Equal([good], listed);
        Assert.Equal(new[] { garbageKey, wrongIdKey }.Order(), _skipped.Order());
    }

    [Fact]
    public async Task Delete_removes_manifest_and_data()
    {
        var kept = await Store(T0);
        var gone = await Store(T0.AddDays(1));

        await _catalog.DeleteAsync(gone, CancellationToken.None);

        Assert.Equal([kept], await _catalog.ListAsync(CancellationToken.None));
        Assert.DoesNotContain(await _target.ListKeysAsync("", CancellationToken.None), k => k.Contains(gone.Id));
    }

    [Fact]
    public async Task A_failed_verification_throws_and_leaves_nothing_behind()
    {
        var corrupting = new BackupCatalog(new CorruptingReadTarget(_target), "");
        var (manifest, path) = await CatalogTestSupport.Encode(corrupting, _dbPath, _dir.Path, T0);

        await Assert.ThrowsAsync<BackupVerificationException>(() => corrupting.StoreFileAsync(path, manifest, verify: true, CancellationToken.None));
        // verify-after-upload = off skips the read-back only where the store confirmed a checksum itself; a folder never does.
        await Assert.ThrowsAsync<BackupVerificationException>(() => corrupting.StoreFileAsync(path, manifest, verify: false, CancellationToken.None));

        Assert.Empty(await _target.ListKeysAsync("", CancellationToken.None));
        Assert.Empty(await _catalog.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_manifest_that_disagrees_with_the_file_fails_verification()
    {
        var (manifest, path) = await CatalogTestSupport.Encode(_catalog, _dbPath, _dir.Path, T0);
        var lying = manifest with { Sha256 = new string('a', 64) };

        await Assert.ThrowsAsync<BackupVerificationException>(() => _catalog.StoreFileAsync(path, lying, verify: true, CancellationToken.None));

        Assert.Empty(await _target.ListKeysAsync("", CancellationToken.None));
    }

    [Fact]
    public async Task A_data_key_outside_the_catalog_is_refused()
    {
        var (manifest, path) = await CatalogTestSupport.Encode(_catalog, _dbPath, _dir.Path, T0);

        await Assert.ThrowsAsync<ArgumentException>(() =>
            _catalog.StoreFileAsync(path, manifest with { DataKey = "elsewhere/x.db.zst" }, verify: false, CancellationToken.None));
    }

    [Fact]
    public async Task A_prefixed_catalog_sees_only_its_own_backups()
    {
        var blogA = new BackupCatalog(_target, "blog-a");
        var blogAB = new BackupCatalog(_target, "blog-ab");
        var (manifest, path) = await CatalogTestSupport.Encode(blogAB, _dbPath, _dir.Path, T0);
        await blogAB.StoreFileAsync(path, manifest, verify: true, CancellationToken.None);

        Assert.Empty(await blogA.ListAsync(CancellationToken.None));
        Assert.Equal([manifest], await blogAB.ListAsync(CancellationToken.None));
        Assert.StartsWith("blog-ab/2026/11/20/", manifest.DataKey);
    }

    private async Task PutText(string key, string text)
    {
        var path = _dir.File(Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(path, text, Encoding.UTF8);
        await _target.PutFileAsync(key, path);
    }
}
