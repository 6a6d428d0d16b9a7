namespace ActorBlog.Backup.Targets;

/// <summary>
/// Where backups are kept: a flat namespace of immutable objects addressed by '/'-separated
/// keys. Implementations know nothing of manifests or retention; that logic lives once, in
/// <see cref="BackupCatalog"/>, over this interface.
/// <para>
/// Every target reports a failure the same way, so restore, verify, restore at boot and drills
/// decide alike whichever target holds the backups (tests/ActorBlog.Tests/Backup/Targets/BackupTargetContract.cs
/// checks each one):
/// </para>
/// <list type="bullet">
/// <item>No object under the key: <see cref="BackupNotFoundException"/>.</item>
/// <item>The bytes read are not the bytes that were stored, found by a check the store makes
/// itself (S3's MD5 of a single-part object): <see cref="Format.BackupCorruptException"/>, from the
/// open or from a read of the stream, with a message naming the object. A target without such a
/// check (a folder) returns what it holds, and the callers' own SHA-256 (<see cref="Format.BackupDecoder"/>,
/// the catalog's read-back) throws the same exception.</item>
/// <item>The store itself failing (unreachable, an error answer, a cut connection, a folder
/// that a file stands in the way of): any other exception, never one of those two, so a sick
/// store is never taken for a missing or a damaged backup. Nothing an SDK throws for damage
/// leaves a target.</item>
/// </list>
/// </summary>
public interface IBackupTarget
{
    /// <summary>
    /// Stores as <paramref name="key"/> the bytes that <paramref name="write"/> writes into the stream
    /// it is handed, as they come, with no staging file and no length known in advance; memory stays
    /// bounded (a target buffers at most a few parts). Once the task completes the object is durable
    /// and readable in full. When <paramref name="write"/> throws, or the put fails or is cancelled, no
    /// object is left under the key that a listing or read would return as complete (nothing is
    /// completed before <paramref name="write"/> has returned). An existing object under the same key
    /// is replaced (callers never reuse keys). No checksum metadata: the caller's manifest, or the
    /// key itself, holds the checksum. Returns true only when the store itself confirmed that it holds
    /// exactly the bytes written (a checksum it computed matched ours); false means only reading the
    /// object back can tell.
    /// </summary>
    Task<bool> PutStreamAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken ct);

    /// <summary>
    /// Opens the object for reading from its first byte. The caller disposes the stream.
    /// Throws <see cref="BackupNotFoundException"/> when no object exists under the key; the
    /// stream's reads throw <see cref="Format.BackupCorruptException"/> when the store's own check
    /// finds the bytes damaged (see the type's summary).
    /// </summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken ct);

    /// <summary>
    /// Every complete object whose key starts with <paramref name="prefix"/> (a plain string
    /// prefix, not a folder), at any depth, in ordinal key order. Empty when there are none,
    /// also when the target has never been written to; a store that cannot be read throws.
    /// </summary>
    Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken ct);

    /// <summary>Removes the object; deleting a key that does not exist succeeds.</summary>
    Task DeleteAsync(string key, CancellationToken ct);

    /// <summary>Where this target points, for log lines; never contains credentials.</summary>
    string Describe();
}
