using System.Security.Cryptography;
using ActorBlog.Backup;
using ActorBlog.Backup.Format;
using ActorBlog.Backup.Restore;
using ActorBlog.Backup.Targets;
using ActorBlog.Posts;
using ActorBlog.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Tests.Backup.Restore;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
/// <summary>Real blog databases, real backups in a folder target, restored for real.</summary>
public sealed class RestorerTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();
    private readonly BackupCatalog _catalog;
    private readonly string _blog;

    public RestorerTests()
    {
        _catalog = new BackupCatalog(new FileBackupTarget(_dir.File("backups")), "");
        _blog = _dir.File("live/blog.db");
        new BlogDatabase(_blog, TimeSpan.FromSeconds(5)).Migrate();
    }

    private string Restored => _dir.File("restored/blog.db");

    private void AddPosts(int count)
    {
        using var writer = new PostWriter(new BlogDatabase(_blog, TimeSpan.FromSeconds(5)).OpenWriter(), new MarkdownRenderer(), TimeProvider.System);
        var existing = PostCount(_blog);
        var batch = Enumerable.Range(0, count)
            .Select(i => (PostCommand)new CreatePost(new PostInput($"Post {existing + i}", null, $"Body **{existing + i}**", ["t"], "published")))
            .ToList();
        Assert.All(writer.Apply(batch), r => Assert.IsType<PostSaved>(r));
    }

    private async Task<BackupManifest> BackUp(DateTimeOffset at, byte[]? key = null)
    {
        var prepared = await BackupJob.PrepareAsync(_blog, _dir.File("tmp"), _catalog, BackupNaming.NewId(at), at, key, 3, CancellationToken.None);
        return await BackupJob.UploadAsync(_catalog, prepared, verify: true, CancellationToken.None);
    }

    private static long PostCount(string db)
    {
        using var connection = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM posts";
        return (long)command.ExecuteScalar()!;
    }

    private static string Sha(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private void FlipByteOf(BackupManifest backup)
    {
        var path = Path.Combine(_dir.File("backups"), backup.DataKey);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(path, bytes);
    }

    private string[] LeftoverTempFiles() =>
        Directory.Exists(_dir.File("restored")) ? Directory.GetFiles(_dir.File("restored"), "*" + TempFiles.Extension) : [];

    private async Task<(BackupManifest A, BackupManifest B, BackupManifest C)> ThreeBackups()
    {
        AddPosts(2);
        var a = await BackUp(T0);
        AddPosts(3);
        var b = await BackUp(T0.AddHours(1));
        AddPosts(4);
        var c = await BackUp(T0.AddHours(2));
        return (a, b, c);
    }

    [Fact]
    public async Task Restores_the_newest_backup_checked_into_place_with_mode_600()
    {
        var (_, _, newest) = await ThreeBackups();

        var outcome = await new Restorer(_catalog, null).RestoreAsync(BackupSelection.Newest, Restored, RestoreMode.Strict, force: false, CancellationToken.None);

        Assert.Equal(newest.Id, outcome.Restored.Backup.Id);
        Assert.Equal(9, PostCount(Restored));
        Assert.Equal(newest.Revision, outcome.Restored.Revision);
        Assert.Equal(newest.Sha256, outcome.Restored.Sha256);
        Assert.Empty(outcome.Rejected);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Restored));
        Assert.Empty(LeftoverTempFiles());
    }

    [Fact]
    public async Task Restores_by_id_and_by_time()
    {
        var (a, b, _) = await ThreeBackups();
        var restorer = new Restorer(_catalog, null);

        var byId = await restorer.RestoreAsync(new BackupSelection(Id: a.Id), Restored, RestoreMode.Strict, false, CancellationToken.None);
        Assert.Equal(a.Id, byId.Restored.Backup.Id);
        Assert.Equal(2, PostCount(Restored));

        var between = await restorer.RestoreAsync(new BackupSelection(At: T0.AddMinutes(90)), Restored, RestoreMode.Strict, true, CancellationToken.None);
        Assert.Equal(b.Id, between.Restored.Backup.Id);
        Assert.Equal(5, PostCount(Restored));

        var exact = await restorer.CandidatesAsync(new BackupSelection(At: T0), CancellationToken.None);
        Assert.Equal([a.Id], exact.Select(m => m.Id));
        var before = await Assert.ThrowsAsync<RestoreException>(() =>
            restorer.CandidatesAsync(new BackupSelection(At: T0.AddSeconds(-1)), CancellationToken.None));
        Assert.Contains(a.Id, before.Message);
        var unknown = await Assert.ThrowsAsync<RestoreException>(() =>
            restorer.RestoreAsync(new BackupSelection(Id: "20260101T000000000Z-abcdef"), _dir.File("other.db"), RestoreMode.Strict, false, CancellationToken.None));
        Assert.Contains("20260101T000000000Z-abcdef", unknown.Message);
    }

    [Fact]
    public async Task A_flipped_byte_fails_the_restore_and_leaves_the_existing_database_as_it_was()
    {
        AddPosts(2);
        var only = await BackUp(T0);
        FlipByteOf(only);
        Directory.CreateDirectory(_dir.File("restored"));
        File.Copy(_blog, Restored);
        var before = Sha(Restored);

        var e = await Assert.ThrowsAsync<RestoreException>(() =>
            new Restorer(_catalog, null).RestoreAsync(new BackupSelection(Id: only.Id), Restored, RestoreMode.Strict, force: true, CancellationToken.None));

        Assert.IsType<BackupCorruptException>(e.InnerException);
        Assert.Contains(only.Id, e.Message);
        Assert.Equal(before, Sha(Restored));
        Assert.Empty(LeftoverTempFiles());
    }

    [Fact]
    public async Task A_corrupt_newest_fails_naming_it_and_the_newest_good_one_or_falls_back_at_boot()
    {
        var (_, b, c) = await ThreeBackups();
        FlipByteOf(c);
        var restorer = new Restorer(_catalog, null);

        var strict = await Assert.ThrowsAsync<RestoreException>(() =>
            restorer.RestoreAsync(BackupSelection.Newest, Restored, RestoreMode.Strict, false, CancellationToken.None));
        Assert.Contains(c.Id, strict.Message);
        Assert.Contains($"--id {b.Id}", strict.Message);
        Assert.DoesNotContain('\n', strict.Message);
        Assert.False(File.Exists(Restored));
        Assert.Empty(LeftoverTempFiles());

        var fallback = await restorer.RestoreAsync(BackupSelection.Newest, Restored, RestoreMode.NewestGood, false, CancellationToken.None);
        Assert.Equal(b.Id, fallback.Restored.Backup.Id);
        Assert.Equal(c.Id, Assert.Single(fallback.Rejected).Backup.Id);
        Assert.Equal(5, PostCount(Restored));
    }

    [Fact]
    public async Task An_encrypted_backup_needs_its_key()
    {
        AddPosts(3);
        var key = RandomNumberGenerator.GetBytes(32);
        var backup = await BackUp(T0, key);
        Directory.CreateDirectory(_dir.File("restored"));

        var missing = await Assert.ThrowsAsync<BackupKeyException>(() =>
            new Restorer(_catalog, null).RestoreAsync(BackupSelection.Newest, Restored, RestoreMode.NewestGood, false, CancellationToken.None));
        Assert.Contains("ACTORBLOG_BACKUP_KEY", missing.Message);
        var wrong = await Assert.ThrowsAsync<BackupKeyException>(() =>
            new Restorer(_catalog, RandomNumberGenerator.GetBytes(32)).RestoreAsync(BackupSelection.Newest, Restored, RestoreMode.Strict, false, CancellationToken.None));
        Assert.Contains(backup.Id, wrong.Message);
        Assert.False(File.Exists(Restored));
        Assert.Empty(LeftoverTempFiles());

        var outcome = await new Restorer(_catalog, key).RestoreAsync(BackupSelection.Newest, Restored, RestoreMode.Strict, false, CancellationToken.None);
        Assert.Equal(3, PostCount(Restored));
        Assert.True(outcome.Restored.Backup.Encrypted);
    }

    [Fact]
    public async Task Refuses_an_existing_database_without_force_and_any_database_a_writer_holds_open()
    {
        AddPosts(1);
        await BackUp(T0);
        Directory.CreateDirectory(_dir.File("restored"));
        new BlogDatabase(Restored, TimeSpan.FromSeconds(5)).Migrate();
        var before = Sha(Restored);
        var restorer = new Restorer(_catalog, null);

        var exists = await Assert.ThrowsAsync<RestoreException>(() =>
            restorer.RestoreAsync(BackupSelection.Newest, Restored, RestoreMode.Strict, force: false, CancellationToken.None));
        Assert.Contains("--force", exists.Message);

        // What a running host holds: an idle WAL-mode write connection (the host tests use a real host in its own process).
        using (var host = new BlogDatabase(Restored, TimeSpan.FromSeconds(5)).OpenWriter())
        {
            var inUse = await Assert.ThrowsAsync<RestoreException>(() =>
                restorer.RestoreAsync(BackupSelection.Newest, Restored, RestoreMode.Strict, force: true, CancellationToken.None));
            Assert.Contains("in use", inUse.Message);
        }
        Assert.Equal(before, Sha(Restored));

        Assert.Equal(before, Sha(Restored));

        await restorer.RestoreAsync(BackupSelection.Newest, Restored, RestoreMode.Strict, force: true, CancellationToken.None);
        Assert.Equal(1, PostCount(Restored));
        Assert.False(File.Exists(Restored + "-wal"));
        Assert.Empty(LeftoverTempFiles());
    }

    [Fact]
    public async Task Stale_wal_and_shm_of_the_old_database_are_not_replayed_onto_the_restored_one()
    {
        AddPosts(2);
        await BackUp(T0);
        Directory.CreateDirectory(_dir.File("restored"));
        new BlogDatabase(Restored, TimeSpan.FromSeconds(5)).Migrate();
        File.WriteAllBytes(Restored + "-wal", RandomNumberGenerator.GetBytes(4096));
        File.WriteAllBytes(Restored + "-shm", new byte[32768]);

        await new Restorer(_catalog, null).RestoreAsync(BackupSelection.Newest, Restored, RestoreMode.Strict, force: true, CancellationToken.None);

        Assert.False(File.Exists(Restored + "-wal"));
        Assert.False(File.Exists(Restored + "-shm"));
        Assert.Equal(2, PostCount(Restored));
        Assert.Empty(LeftoverTempFiles());
    }

    [Fact]
    public async Task Verify_checks_without_installing_and_a_target_with_no_backups_is_a_clear_error()
    {
        var restorer = new Restorer(_catalog, null);
        var none = await Assert.ThrowsAsync<RestoreException>(() => restorer.CandidatesAsync(BackupSelection.Newest, CancellationToken.None));
        Assert.Contains("no backups", none.Message);

        AddPosts(4);
        var backup = await BackUp(T0);
        var verified = await restorer.VerifyAsync(new BackupSelection(backup.Id), _dir.File("tmp"), CancellationToken.None);
        Assert.Equal(4, verified.PostCount);
        Assert.Equal(backup.Sha256, verified.Sha256);
        Assert.False(File.Exists(verified.Path));
        Assert.Empty(Directory.GetFiles(_dir.File("tmp")));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
