using ActorBlog.Backup.Format;
using ActorBlog.Backup.Snapshot;
using ActorBlog.Backup.Targets;

namespace ActorBlog.Backup.Restore;

/// <summary>Which backup to restore: the newest, one by id, or the newest created at or before a time.</summary>
public sealed record BackupSelection(string? Id = null, DateTimeOffset? At = null)
{
    public static readonly BackupSelection Newest = new();

    public override string ToString() =>
        Id is not null ? $"backup {Id}" : At is { } at ? $"the newest backup at or before {at:yyyy-MM-dd'T'HH:mm:ss'Z'}" : "the newest backup";
}

public enum RestoreMode
{
    /// <summary>The chosen backup or nothing: a corrupt one fails the restore, naming the newest good one (the CLI).</summary>
    Strict,

    /// <summary>A corrupt backup is reported and the next older one tried (restore at boot).</summary>
    NewestGood,
}

/// <summary>
/// A backup restored into a file and checked: checksum, integrity_check, revision and post count as its manifest
/// says; then, unless one backup alone was asked for, brought forward by its change objects (<see cref="ChangeReplay"/>).
/// </summary>
public sealed record RestoredBackup(BackupManifest Backup, string Path, long SizeBytes, long StoredBytes, string Sha256, long Revision, long PostCount)
{
    public int ChangeObjects { get; init; }

    public int Transactions { get; init; }

    /// <summary>When the last transaction restored was committed; null when only the backup was restored.</summary>
    public DateTimeOffset? CommittedAt { get; init; }
}

/// <summary>A backup passed over because its data is damaged or missing.</summary>
public sealed record RejectedBackup(BackupManifest Backup, string Reason);

public sealed record RestoreOutcome(RestoredBackup Restored, IReadOnlyList<RejectedBackup> Rejected);

/// <summary>
/// Brings a backup back as a database file. Everything is checked in a temporary file beside the
/// destination (mode 600), streamed, never held in memory; only a file that passed every check is
/// fsynced and renamed over the destination, so a failed restore leaves the old database as it was.
/// Used by the <c>restore</c>/<c>verify</c> commands, by restore at boot, and by restore drills
/// (<see cref="RestoreToFileAsync"/>).
/// </summary>
/// <param name="key">The backup key (32 bytes), or null; needed for encrypted backups.</param>
/// <param name="progress">Told what is happening, one line at a time, for a terminal or a log.</param>
public sealed class Restorer(BackupCatalog catalog, byte[]? key, Action<string>? progress = null)
{
    private readonly ChangeReplay _replay = new(new Replication.ChangeCatalog(catalog.Target, catalog.Prefix), key, progress);

    /// <summary>
    /// The backups the selection allows, best first: by id exactly one; otherwise the newest (at or
    /// before <see cref="BackupSelection.At"/>) and then the older ones. Throws <see cref="RestoreException"/> when none fits.
    /// </summary>
    public async Task<IReadOnlyList<BackupManifest>> CandidatesAsync(BackupSelection selection, CancellationToken ct)
    {
        var all = await catalog.ListAsync(ct).ConfigureAwait(false);
        if (selection.Id is { } id)
        {
            var found = all.FirstOrDefault(m => m.Id == id);
            return found is not null
                ? [found]
                : throw new RestoreException($"no backup with id {id} in {catalog.Target.Describe()} ({all.Count} backups there; run 'backups' to list them)");
        }
        if (all.Count == 0)
            throw new RestoreException($"no backups in {catalog.Target.Describe()}");
        if (selection.At is { } at)
        {
            var older = all.Where(m => m.CreatedAt <= at).ToList();
            return older.Count > 0
                ? older
                : throw new RestoreException($"no backup at or before {at:yyyy-MM-dd'T'HH:mm:ss'Z'}; the oldest is {all[^1].Id} ({all[^1].CreatedAt:yyyy-MM-dd'T'HH:mm:ss'Z'})");
        }
        return all;
    }

    /// <summary>
    /// Downloads and decodes one backup into <paramref name="tempPath"/> (created with mode 600),
    /// checks the SHA-256 against the manifest, runs integrity_check and compares revision and post
    /// count with the manifest, and fsyncs the file (beside the integrity_check). Throws <see cref="BackupCorruptException"/> when the
    /// backup is damaged or its data object is missing, <see cref="BackupKeyException"/> when the key is
    /// missing or wrong. The caller owns (and removes) the file either way.
    /// </summary>
    public async Task<RestoredBackup> RestoreToFileAsync(BackupManifest backup, string tempPath, CancellationToken ct)
    {
        TempFiles.CreatePrivate(tempPath);
        DecodedBackup decoded;
        try
        {
            var stored = await catalog.OpenDataAsync(backup, ct).ConfigureAwait(false);
            await using (stored.ConfigureAwait(false))
            {
                var output = new FileStream(tempPath, FileMode.Truncate, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
                await using (output.ConfigureAwait(false))
                {
                    decoded = await BackupDecoder.DecodeAsync(stored, output, key, backup.Sha256, ct).ConfigureAwait(false);
                    await output.FlushAsync(ct).ConfigureAwait(false);
                }
            }
        }
        catch (BackupNotFoundException e)
        {
            throw new BackupCorruptException($"the data object of backup {backup.Id} is missing ({e.Key})", e);
        }
        catch (BackupCorruptException e)
        {
            // Whichever check caught it (the store's own, our SHA-256, the GCM tag, zstd), one shape of line.
            throw new BackupCorruptException($"backup {backup.Id} is damaged: {e.Message.TrimEnd('.')}", e);
        }
        catch (BackupKeyException e)
        {
            throw new BackupKeyException($"backup {backup.Id} cannot be decrypted: {e.Message}" +
                                         (key is null ? " Set ACTORBLOG_BACKUP_KEY to the key it was written with." : ""), e);
        }

        if (decoded.SizeBytes != backup.SizeBytes)
            throw new BackupCorruptException($"backup {backup.Id} decoded to {decoded.SizeBytes} bytes, but its manifest says {backup.SizeBytes}");

        // The fsync waits on the disk while integrity_check reads the same pages from the page cache on a
        // core: side by side, the file is on disk by the time it is known to be sound. Both must succeed.
        var durable = Task.Run(() => FsyncFile(tempPath), CancellationToken.None);
        SnapshotFile inspected;
        try
        {
            inspected = await Task.Run(() => SqliteSnapshot.Inspect(tempPath, SnapshotCheck.Full), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or Microsoft.Data.Sqlite.SqliteException)
        {
            throw new BackupCorruptException($"backup {backup.Id} is not a sound database: {e.Message}", e);
        }
        finally
        {
            // Never leave the fsync running on a file the caller is about to remove.
            await durable.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await durable.ConfigureAwait(false);
        if (inspected.Revision != backup.Revision || inspected.PostCount != backup.PostCount)
            throw new BackupCorruptException(
                $"backup {backup.Id} holds revision {inspected.Revision} with {inspected.PostCount} posts, " +
                $"but its manifest says revision {backup.Revision} with {backup.PostCount} posts");

        return new RestoredBackup(backup, tempPath, decoded.SizeBytes, decoded.StoredBytes, decoded.Sha256, inspected.Revision, inspected.PostCount);
    }

    /// <summary>
    /// Everything a restore checks, into a private file under <paramref name="tempDir"/> that is removed
    /// afterwards. Installs nothing. Fails exactly as a strict restore of the same selection would: a
    /// damaged newest backup with one line naming it and the newest good one.
    /// </summary>
    public async Task<RestoredBackup> VerifyAsync(BackupSelection selection, string tempDir, CancellationToken ct)
    {
        var candidates = await CandidatesAsync(selection, ct).ConfigureAwait(false);
        TempFiles.EnsurePrivateDirectory(tempDir);
        var temp = TempFiles.PathFor(tempDir, $"verify-{Guid.NewGuid():N}");
        try
        {
            var (verified, _) = await RestoreFirstGoodAsync(selection, candidates, temp, RestoreMode.Strict, ct).ConfigureAwait(false);
            return verified;
        }
        finally
        {
            TempFiles.DeleteQuietly(temp);
        }
    }

    /// <summary>
    /// Restores the selected backup to <paramref name="destinationPath"/>. Refuses to replace an existing
    /// database unless <paramref name="force"/>, and always while another process has it open.
    /// Throws <see cref="RestoreException"/> with one line when it cannot; the existing database is then
    /// untouched and the temporary file gone.
    /// </summary>
    public async Task<RestoreOutcome> RestoreAsync(BackupSelection selection, string destinationPath, RestoreMode mode, bool force, CancellationToken ct)
    {
        var destination = Path.GetFullPath(destinationPath);
        var directory = Path.GetDirectoryName(destination)!;
        DatabaseInUse? guard = null;
        if (File.Exists(destination))
        {
            if (!force)
                throw new RestoreException($"{destination} already exists; pass --force to replace it");
            // Held while the backup downloads and is checked, so no host opens the old file meanwhile. It is
            // let go just before the swap (closing may fold a leftover WAL into the old file, whose -wal and
            // -shm Install then removes), so a host started in that instant could still open the old file.
            guard = DatabaseInUse.TryLock(destination)
                    ?? throw new RestoreException($"{destination} is in use by a running host (or another program); stop it before restoring");
        }

        var temp = TempFiles.PathFor(directory, $".{Path.GetFileName(destination)}.restore-{Guid.NewGuid():N}");
        try
        {
            var candidates = await CandidatesAsync(selection, ct).ConfigureAwait(false);
            Directory.CreateDirectory(directory);
            var (restored, rejected) = await RestoreFirstGoodAsync(selection, candidates, temp, mode, ct).ConfigureAwait(false);

            progress?.Invoke($"Installing backup {restored.Backup.Id} as {destination} ...");
            guard?.Dispose();
            guard = null;
            Install(temp, destination, force);
            return new RestoreOutcome(restored with { Path = destination }, rejected);
        }
        finally
        {
            guard?.Dispose();
            TempFiles.DeleteQuietly(temp);
        }
    }

    private async Task<(RestoredBackup, IReadOnlyList<RejectedBackup>)> RestoreFirstGoodAsync(
        BackupSelection selection, IReadOnlyList<BackupManifest> candidates, string temp, RestoreMode mode, CancellationToken ct)
    {
        var rejected = new List<RejectedBackup>();
        foreach (var candidate in candidates)
        {
            try
            {
                var changes = selection.Id is null ? await _replay.ListAsync(candidate, ct).ConfigureAwait(false) : [];
                if (selection.At is { } at && !await _replay.BaseIsAtOrBeforeAsync(candidate, changes, at, ct).ConfigureAwait(false))
                {
                    progress?.Invoke($"Backup {candidate.Id} already holds commits after {at:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}: passed over for an older one");
                    continue;
                }
                progress?.Invoke($"Downloading backup {candidate.Id} ({FormatBytes(candidate.StoredBytes)}) from {catalog.Target.Describe()} ...");
                var restored = await RestoreWithChangesAsync(candidate, changes, selection.At, temp, ct).ConfigureAwait(false);
                if (rejected.Count == 0 || mode == RestoreMode.NewestGood)
                    return (restored, rejected);

                // The reason already names the damaged backup; the operator's next step is the good one.
                throw new RestoreException(
                    $"{rejected[0].Reason.TrimEnd('.')}; the newest good backup is {candidate.Id}: restore it with --id {candidate.Id}");
            }
            catch (BackupCorruptException e)
            {
                rejected.Add(new RejectedBackup(candidate, e.Message));
                progress?.Invoke($"Passed over: {e.Message}");
                if (selection.Id is not null)
                    throw new RestoreException(e.Message, e);
            }
        }
        throw new RestoreException(rejected.Count > 0
            ? $"no good backup to restore: {string.Join("; ", rejected.Select(r => r.Reason))}"
            : $"no backup holds only commits at or before {selection.At:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}");
    }

    /// <summary>
    /// The backup, brought forward by every change object that continues it (up to <paramref name="until"/>);
    /// with no <paramref name="changes"/>, the backup alone. Either way the file leaves its lineage and is checked again.
    /// </summary>
    public async Task<RestoredBackup> RestoreWithChangesAsync(
        BackupManifest backup, IReadOnlyList<Replication.ChangeKey> changes, DateTimeOffset? until, string tempPath, CancellationToken ct)
    {
        var restored = await RestoreToFileAsync(backup, tempPath, ct).ConfigureAwait(false);
        return await _replay.ApplyAsync(restored, changes, until, ct).ConfigureAwait(false);
    }

    /// <summary>The newest backup and the change objects that continue it, as the target lists them now; null when there is no backup.</summary>
    public async Task<(BackupManifest Backup, IReadOnlyList<Replication.ChangeKey> Changes, long Reaches)?> NewestAsync(CancellationToken ct)
    {
        var newest = (await catalog.ListAsync(ct).ConfigureAwait(false)).FirstOrDefault();
        if (newest is null) return null;
        var changes = await _replay.ListAsync(newest, ct).ConfigureAwait(false);
        return (newest, changes, ReplayPlan.From(changes, newest.Revision, null).Reaches);
    }

    /// <summary>
    /// Renames the checked file over the destination. The old database's -wal, -shm and -journal would
    /// be replayed onto the new file, so they are moved aside first (kept until the rename is durable,
    /// and put back if it fails).
    /// </summary>
    private static void Install(string temp, string destination, bool force)
    {
        var directory = Path.GetDirectoryName(destination)!;
        if (File.Exists(destination))
        {
            if (!force) throw new RestoreException($"{destination} appeared while restoring; pass --force to replace it");
            using var guard = DatabaseInUse.TryLock(destination)
                              ?? throw new RestoreException($"{destination} is in use by a running host (or another program); stop it before restoring");
        }

        var moved = new List<(string Original, string Aside)>();
        try
        {
            foreach (var suffix in new[] { "-wal", "-shm", "-journal" })
            {
                var sidecar = destination + suffix;
                if (!File.Exists(sidecar)) continue;
                var aside = TempFiles.PathFor(directory, $".{Path.GetFileName(sidecar)}.replaced-{Guid.NewGuid():N}");
                File.Move(sidecar, aside);
                moved.Add((sidecar, aside));
            }
            File.Move(temp, destination, overwrite: force);
        }
        catch
        {
            foreach (var (original, aside) in moved) File.Move(aside, original, overwrite: true);
            throw;
        }
        Durability.FsyncDirectory(directory);
        TempFiles.DeleteQuietly(moved.Select(m => m.Aside).ToArray());
    }

    private static void FsyncFile(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        file.Flush(flushToDisk: true);
    }

    private static string FormatBytes(long bytes) => bytes >= 1 << 20 ? $"{bytes / (double)(1 << 20):0.0} MiB" : $"{bytes} bytes";
}
