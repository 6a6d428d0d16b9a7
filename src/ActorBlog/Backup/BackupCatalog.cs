using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using ActorBlog.Backup.Format;
using ActorBlog.Backup.Targets;

namespace ActorBlog.Backup;

/// <summary>
/// The backups in one target under one prefix: how they are stored (data first, verified, manifest
/// last), listed (by manifest only, so a half-written backup never shows) and removed (manifest
/// first, so a half-deleted backup never shows). Everything here is in terms of <see cref="IBackupTarget"/>.
/// </summary>
/// <param name="prefix">Key prefix of this blog's backups: the S3 prefix, or "" for a folder target.</param>
/// <param name="onUnreadableManifest">Told about each manifest that a listing had to skip, to log it.</param>
public sealed class BackupCatalog(IBackupTarget target, string prefix, Action<string, Exception>? onUnreadableManifest = null) : IDisposable
{
    private const int MaxManifestBytes = 64 * 1024;
    private const int ParallelManifestReads = 8;

    public IBackupTarget Target => target;

    /// <summary>The key prefix this catalog lists under ("" for a folder target).</summary>
    public string Prefix => prefix;

    public string DataKeyFor(string id, bool encrypted) => BackupNaming.DataKey(prefix, id, encrypted);

    public string ManifestKeyFor(string id) => BackupNaming.ManifestKey(prefix, id);

    /// <summary>
    /// Uploads the encoded data file, checks that the target holds exactly the bytes the manifest
    /// describes, and only then writes the manifest. The check reads the object back and hashes it;
    /// without <paramref name="verify"/> it is skipped only when the store confirmed a checksum of its own.
    /// Throws <see cref="BackupVerificationException"/>, after removing the data object, when it does not.
    /// </summary>
    public async Task<BackupManifest> StoreAsync(string encodedFilePath, BackupManifest manifest, bool verify, CancellationToken ct)
    {
        if (manifest.DataKey != DataKeyFor(manifest.Id, manifest.Encrypted))
            throw new ArgumentException($"Manifest data key '{manifest.DataKey}' is not where backup {manifest.Id} belongs.", nameof(manifest));

        var confirmedByStore = await target.PutAsync(manifest.DataKey, encodedFilePath, manifest.Sha256, ct).ConfigureAwait(false);

        if (verify || !confirmedByStore)
        {
            string? mismatch;
            try
            {
                var (bytes, sha256) = await target.HashAsync(manifest.DataKey, ct).ConfigureAwait(false);
                mismatch = bytes != manifest.StoredBytes || !string.Equals(sha256, manifest.Sha256, StringComparison.OrdinalIgnoreCase)
                    ? $"read back from {target.Describe()} as {bytes} bytes sha256 {sha256}, but {manifest.StoredBytes} bytes sha256 {manifest.Sha256} were sent."
                    : null;
            }
            catch (BackupCorruptException e)
            {
                // The store's own checksum caught it before ours could: the same failed verification.
                mismatch = $"read back from {target.Describe()} damaged: {e.Message}";
            }
            if (mismatch is not null)
            {
                // Never leave an unverified object behind; with no manifest nothing lists it, so a failed delete is only noted.
                var cleanup = "";
                try
                {
                    await target.DeleteAsync(manifest.DataKey, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    cleanup = $" Removing the data object failed too: {e.Message}";
                }
                throw new BackupVerificationException($"Backup {manifest.Id} {mismatch}{cleanup}");
            }
        }

        var manifestFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(encodedFilePath))!, $".{manifest.Id}.manifest.{Guid.NewGuid():N}.tmp");
        try
        {
            var json = Encoding.UTF8.GetBytes(BackupManifest.Serialize(manifest));
            await File.WriteAllBytesAsync(manifestFile, json, ct).ConfigureAwait(false);
            await target.PutAsync(ManifestKeyFor(manifest.Id), manifestFile, Convert.ToHexStringLower(SHA256.HashData(json)), ct).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(manifestFile);
        }
        return manifest;
    }

    /// <summary>
    /// Every complete backup, newest first (by CreatedAt, then Id). A manifest that cannot be parsed,
    /// names another id than its key, or vanished meanwhile is skipped; a failing target still throws.
    /// </summary>
    public async Task<IReadOnlyList<BackupManifest>> ListAsync(CancellationToken ct)
    {
        var keys = await target.ListKeysAsync(BackupNaming.ListingPrefix(prefix), ct).ConfigureAwait(false);
        var manifests = new ConcurrentBag<BackupManifest>();
        var options = new ParallelOptions { MaxDegreeOfParallelism = ParallelManifestReads, CancellationToken = ct };
        await Parallel.ForEachAsync(keys.Where(k => BackupNaming.IdFromManifestKey(k) is not null), options, async (key, token) =>
        {
            try
            {
                var manifest = BackupManifest.Parse(await ReadManifestTextAsync(key, token).ConfigureAwait(false));
                if (manifest.Id != BackupNaming.IdFromManifestKey(key))
                    throw new FormatException($"Manifest at '{key}' describes backup {manifest.Id}.");
                manifests.Add(manifest);
            }
            catch (Exception e) when (e is FormatException or BackupNotFoundException)
            {
                onUnreadableManifest?.Invoke(key, e);
            }
        }).ConfigureAwait(false);

        return manifests
            .OrderByDescending(m => m.CreatedAt)
            .ThenByDescending(m => m.Id, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Removes a backup: the manifest first, so it disappears from listings before its data does.</summary>
    public async Task DeleteAsync(BackupManifest manifest, CancellationToken ct)
    {
        await target.DeleteAsync(ManifestKeyFor(manifest.Id), ct).ConfigureAwait(false);
        await target.DeleteAsync(manifest.DataKey, ct).ConfigureAwait(false);
    }

    /// <summary>The stored (encoded) data of a backup; decode it with <see cref="BackupDecoder"/>.</summary>
    public Task<Stream> OpenDataAsync(BackupManifest manifest, CancellationToken ct) =>
        target.OpenReadAsync(manifest.DataKey, ct);


    private async Task<string> ReadManifestTextAsync(string key, CancellationToken ct)
    {
        var stream = await target.OpenReadAsync(key, ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxManifestBytes + 1];
            var n = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (n > MaxManifestBytes)
                throw new FormatException($"Manifest at '{key}' is larger than {MaxManifestBytes} bytes.");
            return Encoding.UTF8.GetString(buffer, 0, n);
        }
    }

    /// <summary>Closes the target's client to the store (the catalog owns the target it was given).</summary>
    public void Dispose() => (target as IDisposable)?.Dispose();
}
