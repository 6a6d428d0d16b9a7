using ActorBlog.Backup.Format;
using ActorBlog.Backup.Retention;
using ActorBlog.Backup.Snapshot;

namespace ActorBlog.Backup;

/// <summary>A backup staged on local disk, encoded and hashed, ready to upload.</summary>
public sealed record PreparedBackup(BackupManifest Manifest, string EncodedPath);

/// <summary>
/// The steps of one backup as plain async functions: the actors run them with PipeTo, the CLI
/// runs them in a row. Snapshot and encoding stage under a private temp directory and clean up
/// after themselves, whatever happens.
/// </summary>
public static class BackupJob
{
    /// <summary>Snapshot (SQLite backup API + quick_check), then zstd (+ AES-GCM) + SHA-256 into a staged file.</summary>
    public static async Task<PreparedBackup> PrepareAsync(
        string databasePath, string tempDir, BackupCatalog catalog, string id, DateTimeOffset createdAt,
        byte[]? key, int compressionLevel, CancellationToken ct)
    {
        TempFiles.EnsurePrivateDirectory(tempDir);
        var snapshotPath = TempFiles.PathFor(tempDir, id + ".snapshot.db");
        var encodedPath = TempFiles.PathFor(tempDir, id + ".encoded");
        try
        {
            var snapshot = await Task.Run(() => SqliteSnapshot.Take(databasePath, snapshotPath), ct).ConfigureAwait(false);
            var encoded = await BackupEncoder.EncodeFileAsync(snapshotPath, encodedPath, key, compressionLevel, ct).ConfigureAwait(false);
            var manifest = new BackupManifest(
                BackupManifest.CurrentFormatVersion, id, createdAt, snapshot.Revision, snapshot.PostCount,
                encoded.SizeBytes, encoded.StoredBytes, encoded.Sha256, "zstd", key is not null,
                catalog.DataKeyFor(id, key is not null)) { Lineage = snapshot.Lineage };
            return new PreparedBackup(manifest, encodedPath);
        }
        catch
        {
            TempFiles.DeleteQuietly(encodedPath);
            throw;
        }
        finally
        {
            TempFiles.DeleteQuietly(snapshotPath);
        }
    }

    /// <summary>Uploads, verifies, writes the manifest last; the staged file is removed either way.</summary>
    public static async Task<BackupManifest> UploadAsync(BackupCatalog catalog, PreparedBackup prepared, bool verify, CancellationToken ct)
    {
        try
        {
            return await catalog.StoreAsync(prepared.EncodedPath, prepared.Manifest, verify, ct).ConfigureAwait(false);
        }
        finally
        {
            TempFiles.DeleteQuietly(prepared.EncodedPath);
        }
    }

    /// <summary>
    /// Deletes what the retention rules no longer keep, then the change objects only those backups needed.
    /// Call only after a verified backup.
    /// </summary>
    public static async Task<IReadOnlyList<BackupManifest>> ApplyRetentionAsync(BackupCatalog catalog, RetentionRules rules, CancellationToken ct)
    {
        var backups = await catalog.ListAsync(ct).ConfigureAwait(false);
        var doomed = RetentionPolicy.SelectForDeletion(backups, rules);
        foreach (var backup in doomed) await catalog.DeleteAsync(backup, ct).ConfigureAwait(false);

        var changes = new Replication.ChangeCatalog(catalog.Target, catalog.Prefix);
        var kept = backups.Except(doomed).ToList();
        foreach (var change in Replication.ChangeRetention.SelectForDeletion(kept, await changes.ListAsync(null, ct).ConfigureAwait(false)))
            await changes.DeleteAsync(change, ct).ConfigureAwait(false);
        return doomed;
    }
}
