using System.Collections.Concurrent;
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
    /// Stores one backup: <paramref name="writeData"/> streams the encoded data object into the
    /// target (no staging file) and returns the manifest that describes what it wrote, once its own
    /// checks passed; a writer that throws leaves nothing stored. Then the catalog checks that the
    /// target holds exactly the bytes the manifest describes, and only then writes the manifest. The
    /// check reads the object back and hashes it; without <paramref name="verify"/> it is skipped
    /// only when the store confirmed a checksum of its own. Throws <see cref="BackupVerificationException"/>,
    /// after removing the data object, when it does not.
    /// </summary>
    public async Task<BackupManifest> StoreAsync(string id, bool encrypted, Func<Stream, CancellationToken, Task<BackupManifest>> writeData,
        bool verify, CancellationToken ct)
    {
        var dataKey = DataKeyFor(id, encrypted);
        BackupManifest? written = null;
        var confirmedByStore = await target.PutStreamAsync(dataKey, async (stream, token) =>
        {
            var manifest = await writeData(stream, token).ConfigureAwait(false);
            // Checked before the target completes the object, so a wrong manifest leaves nothing behind.
            if (manifest.Id != id || manifest.DataKey != dataKey)
                throw new ArgumentException($"Manifest of backup {manifest.Id} at '{manifest.DataKey}' does not describe backup {id} at '{dataKey}'.");
            written = manifest;
        }, ct).ConfigureAwait(false);

        var stored = written!;
        if (verify || !confirmedByStore)
            await target.VerifyAsync(stored.DataKey, stored.StoredBytes, stored.Sha256, $"Backup {stored.Id}", ct).ConfigureAwait(false);

        var json = Encoding.UTF8.GetBytes(BackupManifest.Serialize(stored));
        await target.PutStreamAsync(ManifestKeyFor(id), (stream, token) => stream.WriteAsync(json, token).AsTask(), ct).ConfigureAwait(false);
        return stored;
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
