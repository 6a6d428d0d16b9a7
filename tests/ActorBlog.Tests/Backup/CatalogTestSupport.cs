using ActorBlog.Backup;
using ActorBlog.Backup.Format;
using ActorBlog.Backup.Targets;

namespace ActorBlog.Tests.Backup;

/// <summary>Encodes a real SQLite file and stores it through a catalog, as the upload step will.</summary>
public static class CatalogTestSupport
{
    public static async Task<(BackupManifest Manifest, string EncodedPath)> Encode(
        BackupCatalog catalog, string dbPath, string workDir, DateTimeOffset createdAt, byte[]? key = null)
    {
        var id = BackupNaming.NewId(createdAt);
        var encodedPath = Path.Combine(workDir, id + ".enc");
        var encoded = await BackupEncoder.EncodeFileAsync(dbPath, encodedPath, key);
        var manifest = new BackupManifest(BackupManifest.CurrentFormatVersion, id, createdAt, Revision: 7, PostCount: 3,
            encoded.SizeBytes, encoded.StoredBytes, encoded.Sha256, "zstd", key is not null, catalog.DataKeyFor(id, key is not null));
        return (manifest, encodedPath);
    }
}

/// <summary>
/// A target whose reads return damaged bytes: the edge a faulty store or network sits at, used to
/// prove that verification catches what the target really returns.
/// </summary>
public sealed class CorruptingReadTarget(IBackupTarget inner) : IBackupTarget
{
    public string Describe() => "corrupting " + inner.Describe();
    public Task<bool> PutAsync(string key, string sourcePath, string sha256Hex, CancellationToken ct) => inner.PutAsync(key, sourcePath, sha256Hex, ct);
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
