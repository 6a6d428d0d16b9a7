using ActorBlog.Backup;
using ActorBlog.Backup.Format;
using ActorBlog.Backup.Targets;

namespace ActorBlog.Tests.Backup;

/// <summary>Encodes a real SQLite file into a file, and stores such a file through a catalog or a target.</summary>
public static class CatalogTestSupport
{
    public static async Task<(BackupManifest Manifest, string EncodedPath)> Encode(
        BackupCatalog catalog, string dbPath, string workDir, DateTimeOffset createdAt, byte[]? key = null)
    {
        var id = BackupNaming.NewId(createdAt);
        var encodedPath = Path.Combine(workDir, id + ".enc");
        EncodedBackup encoded;
        await using (var source = File.OpenRead(dbPath))
        await using (var destination = new FileStream(encodedPath, FileMode.CreateNew, FileAccess.Write))
            encoded = await BackupEncoder.EncodeAsync(source, destination, key);
        var manifest = new BackupManifest(BackupManifest.CurrentFormatVersion, id, createdAt, Revision: 7, PostCount: 3,
            encoded.SizeBytes, encoded.StoredBytes, encoded.Sha256, "zstd", key is not null, catalog.DataKeyFor(id, key is not null));
        return (manifest, encodedPath);
    }

    /// <summary>Stores a backup already encoded into a file, described by <paramref name="manifest"/> (<see cref="BackupCatalog.StoreAsync"/>).</summary>
    public static Task<BackupManifest> StoreFileAsync(this BackupCatalog catalog, string encodedPath, BackupManifest manifest, bool verify,
        CancellationToken ct = default) =>
        catalog.StoreAsync(manifest.Id, manifest.Encrypted, async (stream, token) =>
        {
            await stream.WriteAsync(await File.ReadAllBytesAsync(encodedPath, token), token);
            return manifest;
        }, verify, ct);

    /// <summary>Puts a file's bytes under <paramref name="key"/>; true when the store confirmed them (<see cref="IBackupTarget.PutStreamAsync"/>).</summary>
    public static Task<bool> PutFileAsync(this IBackupTarget target, string key, string path, CancellationToken ct = default) =>
        target.PutStreamAsync(key, async (stream, token) => await stream.WriteAsync(await File.ReadAllBytesAsync(path, token), token), ct);
}

/// <summary>
/// A target whose reads return damaged bytes: the edge a faulty store or network sits at, used to
/// prove that verification catches what the target really returns.
/// </summary>
public sealed class CorruptingReadTarget(IBackupTarget inner) : IBackupTarget
{
    public string Describe() => "corrupting " + inner.Describe();
    public Task<bool> PutStreamAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken ct) => inner.PutStreamAsync(key, write, ct);
    public Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken ct) => inner.ListKeysAsync(prefix, ct);
    public Task DeleteAsync(string key, CancellationToken ct) => inner.DeleteAsync(key, ct);

    public async Task<Stream> OpenReadAsync(string key, CancellationToken ct)
    {
        await using var stream = await inner.OpenReadAsync(key, ct);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy, ct);
        copy.GetBuffer()[copy.Length / 2] ^= 0x04;
        copy.Position = 0;
        return copy;
    }
}
