using System.Buffers.Binary;
using ActorBlog.Backup.Format;
using ActorBlog.Backup.Replication;
using ActorBlog.Backup.Snapshot;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Backup.Restore;

/// <summary>
/// Brings a restored base forward through its lineage's change objects: every transaction's page
/// images are written where a checkpoint would write them, and the file is cut to the size the
/// transaction left, so after each transaction the file is the database as it was after that
/// commit. Then the file becomes standalone again (rollback journal), leaves its lineage, and is
/// checked as a backup is: integrity_check, and the revision must be the last one applied.
/// </summary>
public sealed class ChangeReplay(ChangeCatalog changes, byte[]? key, Action<string>? progress = null)
{
    /// <summary>The lineage's objects as the target lists them now.</summary>
    public Task<IReadOnlyList<ChangeKey>> ListAsync(BackupManifest backup, CancellationToken ct) =>
        backup.Lineage is { } lineage ? changes.ListAsync(lineage, ct) : Task.FromResult<IReadOnlyList<ChangeKey>>([]);

    /// <summary>
    /// Whether the base holds nothing committed after <paramref name="at"/>: a backup created at or
    /// before a time may still have snapshotted a commit made a moment after it.
    /// </summary>
    public async Task<bool> BaseIsAtOrBeforeAsync(BackupManifest backup, IReadOnlyList<ChangeKey> keys, DateTimeOffset at, CancellationToken ct)
    {
        if (ReplayPlan.Holding(keys, backup.Revision) is not { } holding) return true;
        if (holding.LastCommit <= at) return true;
        if (holding.FirstCommit > at) return false;
        var tx = (await ReadAsync(holding, backup, ct).ConfigureAwait(false)).First(t => t.Revision == backup.Revision);
        return tx.CommittedAt <= at;
    }

    /// <summary>Applies the plan to the restored base in <paramref name="restored"/>.Path; the result says where it got to.</summary>
    public async Task<RestoredBackup> ApplyAsync(RestoredBackup restored, IReadOnlyList<ChangeKey> keys, DateTimeOffset? until, CancellationToken ct)
    {
        var backup = restored.Backup;
        var plan = ReplayPlan.From(keys, backup.Revision, until);
        if (plan.HoleAfter is { } hole)
            throw new RestoreException(
                $"the change objects after revision {hole} of lineage {backup.Lineage} are missing (the next one there starts later); {NewestRestorable(plan, backup)}");
        if (plan.Chain.Count == 0)
        {
            // Nothing to apply: the base as checked (integrity_check, revision, post count) is the result;
            // it only leaves its lineage, in one transaction of SQLite's own, so it need not be checked again.
            try
            {
                await Task.Run(() => LeaveLineage(restored.Path), ct).ConfigureAwait(false);
            }
            catch (SqliteException e)
            {
                throw new RestoreException($"backup {backup.Id} could not leave its lineage: {e.Message}", e);
            }
            return restored;
        }
        progress?.Invoke($"Applying {plan.Chain.Count} change object(s) after backup {backup.Id} (revision {backup.Revision} to {plan.Reaches}) ...");

        var reached = backup.Revision;
        DateTimeOffset? committedAt = null;
        var transactions = 0;
        await using (var file = new FileStream(restored.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            var pageSize = PageSizeOf(file);
            for (var i = 0; i < plan.Chain.Count; i++)
            {
                var change = plan.Chain[i];
                var batch = await ReadOrTwinAsync(change, keys, backup, ct).ConfigureAwait(false);
                if (batch is null)
                {
                    if (i == plan.Chain.Count - 1 && await changes.IsUnfinishedAsync(change, ct).ConfigureAwait(false))
                    {
                        // The last upload of a lost machine, cut off (a store without atomic puts keeps the part): never acknowledged as stored.
                        progress?.Invoke($"Change object {change.Key} is shorter than its name says: an upload the machine did not finish; restoring up to the one before it");
                        break;
                    }
                    throw new RestoreException($"change object {change.Key} is damaged (its bytes do not match the SHA-256 in its name); " +
                                               NewestRestorable(plan with { Chain = plan.Chain.Take(i).ToList() }, backup));
                }
                foreach (var tx in batch)
                {
                    if (tx.Revision <= reached) continue;
                    if (until is { } t && tx.CommittedAt > t) break;
                    if (tx.PreviousRevision != reached || tx.PageSize != pageSize)
                        throw new RestoreException($"change object {change.Key} does not continue revision {reached} (it applies to {tx.PreviousRevision}, page size {tx.PageSize}); " +
                                                   NewestRestorable(plan with { Chain = plan.Chain.Take(i).ToList() }, backup));
                    await ApplyAsync(file, tx, ct).ConfigureAwait(false);
                    reached = tx.Revision;
                    committedAt = tx.CommittedAt;
                    transactions++;
                }
            }
            await file.FlushAsync(ct).ConfigureAwait(false);
        }

        SnapshotFile inspected;
        try
        {
            inspected = await Task.Run(() => Standalone(restored.Path), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or SqliteException)
        {
            throw new RestoreException($"backup {backup.Id} with its changes to revision {reached} is not a sound database: {e.Message}", e);
        }
        if (inspected.Revision != reached)
            throw new RestoreException($"backup {backup.Id} with its changes holds revision {inspected.Revision}, but the changes end at revision {reached}");
        return restored with
        {
            Revision = inspected.Revision,
            PostCount = inspected.PostCount,
            SizeBytes = inspected.SizeBytes,
            ChangeObjects = plan.Chain.Count,
            Transactions = transactions,
            CommittedAt = committedAt,
        };
    }

    /// <summary>The object's transactions; when it is damaged, those of a twin covering the same revisions (a retried upload), or null.</summary>
    private async Task<IReadOnlyList<CapturedTransaction>?> ReadOrTwinAsync(ChangeKey change, IReadOnlyList<ChangeKey> keys, BackupManifest backup, CancellationToken ct)
    {
        foreach (var candidate in keys.Where(k => k.From == change.From && k.To == change.To).OrderBy(k => k.Key == change.Key ? 0 : 1))
        {
            try
            {
                return await ReadAsync(candidate, backup, ct).ConfigureAwait(false);
            }
            catch (BackupCorruptException e)
            {
                progress?.Invoke($"Change object {candidate.Key} cannot be used: {e.Message}");
            }
        }
        return null;
    }

    private async Task<IReadOnlyList<CapturedTransaction>> ReadAsync(ChangeKey change, BackupManifest backup, CancellationToken ct)
    {
        try
        {
            return await changes.ReadAsync(change, key, ct).ConfigureAwait(false);
        }
        catch (BackupKeyException e)
        {
            throw new BackupKeyException($"change object {change.Key} cannot be decrypted: {e.Message}" +
                                         (key is null ? " Set ACTORBLOG_BACKUP_KEY to the key it was written with." : ""), e);
        }
    }

    private static string NewestRestorable(ReplayPlan upTo, BackupManifest backup) =>
        upTo.Chain.Count == 0
            ? $"the newest state still restorable from backup {backup.Id} is the backup itself (restore --id {backup.Id})"
            : $"the newest time still restorable is {upTo.Chain[^1].LastCommit:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} (restore --at {upTo.Chain[^1].LastCommit:yyyy-MM-dd'T'HH:mm:ss.fff'Z'})";

    private static async Task ApplyAsync(FileStream file, CapturedTransaction tx, CancellationToken ct)
    {
        foreach (var page in tx.Pages)
        {
            file.Position = (page.PageNumber - 1L) * tx.PageSize;
            await file.WriteAsync(page.Data, ct).ConfigureAwait(false);
        }
        file.SetLength((long)tx.DatabasePages * tx.PageSize);
    }

    private static int PageSizeOf(FileStream file)
    {
        var header = new byte[100];
        file.Position = 0;
        if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
            throw new RestoreException("the restored base is too short to be a database");
        var size = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(16));
        return size == 1 ? 65536 : size;
    }

    /// <summary>Page 1 now says WAL, as the live file did: make it a rollback-journal file again, leave the lineage, check it.</summary>
    private static SnapshotFile Standalone(string path)
    {
        LeaveLineage(path);
        return SqliteSnapshot.Inspect(path, SnapshotCheck.Full);
    }

    /// <summary>Rollback journal and no lineage; the commit (synchronous = FULL, SQLite's default) is on disk when this returns.</summary>
    private static void LeaveLineage(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Sql.Execute(connection, "PRAGMA journal_mode = DELETE;");
        Lineage.Clear(connection);
    }
}
