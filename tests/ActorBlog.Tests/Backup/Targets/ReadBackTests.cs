using System.Security.Cryptography;
using ActorBlog.Backup;
using ActorBlog.Backup.Format;
using ActorBlog.Backup.Replication;
using ActorBlog.Backup.Targets;
using ActorBlog.Tests.Infrastructure;

namespace ActorBlog.Tests.Backup.Targets;

/// <summary>
/// <see cref="StoredObjects.VerifyAsync"/>: the one read-back behind a backup's data object and a
/// change object alike, over a real folder target, with the edge a faulty store sits at in front of it.
/// </summary>
public sealed class ReadBackTests : IDisposable
{
    private const string Key = "backups/20261201T160000Z-abc123.data";
    private readonly TempDirectory _dir = new();
    private readonly FileBackupTarget _target;
    private readonly byte[] _bytes = RandomNumberGenerator.GetBytes(70_000);
    private readonly string _sha256;

    public ReadBackTests()
    {
        _target = new FileBackupTarget(_dir.File("backups"));
        _sha256 = Convert.ToHexStringLower(SHA256.HashData(_bytes));
    }

    public void Dispose() => _dir.Dispose();

    private Task Put() => _target.PutStreamAsync(Key, (stream, ct) => stream.WriteAsync(_bytes, ct).AsTask(), CancellationToken.None);

    [Fact]
    public async Task What_the_store_holds_as_sent_passes_and_stays()
    {
        await Put();

        await _target.VerifyAsync(Key, _bytes.Length, _sha256.ToUpperInvariant(), "Backup b", CancellationToken.None);

        Assert.Equal([Key], await _target.ListKeysAsync("", CancellationToken.None));
    }

    [Fact]
    public async Task Other_bytes_than_were_sent_fail_naming_both_and_the_object_is_removed()
    {
        await Put();

        var e = await Assert.ThrowsAsync<BackupVerificationException>(() =>
            new CorruptingReadTarget(_target).VerifyAsync(Key, _bytes.Length, _sha256, "Backup b", CancellationToken.None));

        Assert.StartsWith($"Backup b read back from corrupting {_target.Describe()} as {_bytes.Length} bytes sha256 ", e.Message);
        Assert.EndsWith($"but {_bytes.Length} bytes sha256 {_sha256} were sent.", e.Message);
        Assert.Empty(await _target.ListKeysAsync("", CancellationToken.None));
    }

    [Fact]
    public async Task Damage_the_stores_own_check_catches_is_the_same_failed_verification()
    {
        await Put();
        var store = new StoreThatFindsDamage(_target);

        var e = await Assert.ThrowsAsync<BackupVerificationException>(() =>
            store.VerifyAsync(Key, _bytes.Length, _sha256, "Change object c", CancellationToken.None));

        Assert.Equal($"Change object c read back from {store.Describe()} damaged: the store's checksum disagrees", e.Message);
        Assert.Empty(await _target.ListKeysAsync("", CancellationToken.None));
    }

    [Fact]
    public async Task A_removal_that_fails_too_is_named_in_the_answer()
    {
        await Put();
        var store = new StoreThatFindsDamage(_target) { DeleteFails = true };

        var e = await Assert.ThrowsAsync<BackupVerificationException>(() =>
            store.VerifyAsync(Key, _bytes.Length, _sha256, "Change object c", CancellationToken.None));

        Assert.EndsWith(" Removing it failed too: the store refused the delete", e.Message);
    }

    [Fact]
    public async Task A_change_object_the_store_finds_damaged_on_read_back_fails_and_leaves_nothing()
    {
        var changes = new ChangeCatalog(new StoreThatFindsDamage(_target), "");
        var batch = new List<CapturedTransaction> { new("0123456789abcdef", 0, 1, DateTimeOffset.UnixEpoch, 4096, 1, [new WalPage(1, new byte[4096])]) };

        await Assert.ThrowsAsync<BackupVerificationException>(() => changes.StoreAsync(batch, key: null, compressionLevel: 3, verify: true, CancellationToken.None));

        Assert.Empty(await _target.ListKeysAsync("", CancellationToken.None));
    }

    /// <summary>A store whose own checksum check fails every read (as S3ObjectReadStream's does on damage), and whose deletes may fail.</summary>
    private sealed class StoreThatFindsDamage(IBackupTarget inner) : IBackupTarget
    {
        public bool DeleteFails { get; init; }
        public string Describe() => "damaging " + inner.Describe();
        public Task<bool> PutStreamAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken ct) => inner.PutStreamAsync(key, write, ct);
        public Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken ct) => inner.ListKeysAsync(prefix, ct);
        public Task<Stream> OpenReadAsync(string key, CancellationToken ct) => Task.FromException<Stream>(new BackupCorruptException("the store's checksum disagrees"));

        public Task DeleteAsync(string key, CancellationToken ct) =>
            DeleteFails ? Task.FromException(new IOException("the store refused the delete")) : inner.DeleteAsync(key, ct);
    }
}
