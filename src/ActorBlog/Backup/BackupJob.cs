using ActorBlog.Backup.Format;
using ActorBlog.Backup.Retention;
using ActorBlog.Backup.Snapshot;

namespace ActorBlog.Backup;

/// <summary>
/// A consistent copy of the database staged on local disk, with what its upload needs: the
/// encryption key (or null) and zstd's level and worker threads.
/// </summary>
public sealed record PreparedBackup(string Id, DateTimeOffset CreatedAt, string SnapshotPath, byte[]? Key, int CompressionLevel)
{
    /// <summary>zstd worker threads (0: compress on the encoding thread itself).</summary>
    public int CompressionWorkers { get; init; } = BackupEncoder.DefaultCompressionWorkers;

    /// <summary>The copy's quick_check already passed (<see cref="BackupJob.CheckAsync"/>); null: the upload runs it beside the encoder.</summary>
    public SnapshotFile? Checked { get; init; }

    /// <summary>Snapshot, check and encoding at a lower OS priority than the rest of the process (<see cref="BackgroundThread"/>): the server's choice.</summary>
    public bool LowPriority { get; init; }
}

/// <summary>
/// The steps of one backup as plain async functions: the actors run them with PipeTo, the CLI
/// runs them in a row. The snapshot stages under a private temp directory; the upload streams it
/// through the encoder into the target and removes it, whatever happens.
/// </summary>
public static class BackupJob
{
    /// <summary>Snapshot through the SQLite backup API into a staged file (checked during the upload).</summary>
    public static async Task<PreparedBackup> PrepareAsync(
        string databasePath, string tempDir, BackupCatalog catalog, string id, DateTimeOffset createdAt,
        byte[]? key, int compressionLevel, CancellationToken ct, bool lowPriority = false)
    {
        TempFiles.EnsurePrivateDirectory(tempDir);
        var snapshotPath = TempFiles.PathFor(tempDir, id + ".snapshot.db");
        ct.ThrowIfCancellationRequested();
        await BackgroundThread.Run("backup snapshot", lowPriority, () => SqliteSnapshot.Take(databasePath, snapshotPath)).ConfigureAwait(false);
        return new PreparedBackup(id, createdAt, snapshotPath, key, compressionLevel) { LowPriority = lowPriority };
    }

    /// <summary>
    /// Runs quick_check on the staged copy now, so that the upload does not run it beside the
    /// encoder: the host's choice, where a backup should take one core at a time, not the fastest path.
    /// </summary>
    public static async Task<PreparedBackup> CheckAsync(PreparedBackup prepared, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return prepared with { Checked = await Check(prepared).ConfigureAwait(false) };
    }

    private static Task<SnapshotFile> Check(PreparedBackup prepared) =>
        BackgroundThread.Run("backup check", prepared.LowPriority, () => SqliteSnapshot.Inspect(prepared.SnapshotPath, SnapshotCheck.Pages));

    /// <summary>
    /// Encodes the snapshot (zstd, + AES-GCM, SHA-256) straight into the target while quick_check
    /// runs on it beside (unless it already ran); once both are done and the check passed, the catalog verifies what the
    /// store holds and writes the manifest last. A failed check stores nothing. The staged
    /// snapshot is removed either way.
    /// </summary>
    public static async Task<BackupManifest> UploadAsync(BackupCatalog catalog, PreparedBackup prepared, bool verify, CancellationToken ct)
    {
        try
        {
            return await catalog.StoreAsync(prepared.Id, prepared.Key is not null, async (data, token) =>
            {
                // On its own thread, so the check and the encoder (whose zstd workers it also
                // feeds) share the cores; the check reads the same, still cached, pages.
                var check = prepared.Checked is { } done ? Task.FromResult(done) : Check(prepared);
                EncodedBackup encoded;
                try
                {
                    encoded = await EncodeSnapshotAsync(prepared, data, token).ConfigureAwait(false);
                }
                catch
                {
                    // Let the check be done with the file before it is deleted; its outcome no longer matters.
                    await Task.WhenAny(check).ConfigureAwait(false);
                    throw;
                }
                var snapshot = await check.ConfigureAwait(false);
                return new BackupManifest(
                    BackupManifest.CurrentFormatVersion, prepared.Id, prepared.CreatedAt, snapshot.Revision, snapshot.PostCount,
                    encoded.SizeBytes, encoded.StoredBytes, encoded.Sha256, "zstd", prepared.Key is not null,
                    catalog.DataKeyFor(prepared.Id, prepared.Key is not null)) { Lineage = snapshot.Lineage };
            }, verify, ct).ConfigureAwait(false);
        }
        finally
        {
            TempFiles.DeleteQuietly(prepared.SnapshotPath);
        }
    }

    private static async Task<EncodedBackup> EncodeSnapshotAsync(PreparedBackup prepared, Stream data, CancellationToken ct)
    {
        // Read synchronously, on the encoder's own thread (BackupEncoder.EncodeAsync).
        var source = new FileStream(prepared.SnapshotPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        await using (source.ConfigureAwait(false))
            return await BackupEncoder.EncodeAsync(source, data, prepared.Key, prepared.CompressionLevel, prepared.CompressionWorkers, prepared.LowPriority, ct)
                .ConfigureAwait(false);
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
