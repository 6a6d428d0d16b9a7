namespace ActorBlog.Backup.Targets;

/// <summary>
/// Where backups are kept: a flat namespace of immutable objects addressed by '/'-separated
/// keys. Implementations know nothing of manifests or retention; that logic lives once, in
/// <see cref="BackupCatalog"/>, over this interface.
/// </summary>
public interface IBackupTarget
{
    /// <summary>
    /// Uploads the whole local file at <paramref name="sourcePath"/> as <paramref name="key"/>.
    /// When the task completes the object is durable and readable in full; a failed or cancelled
    /// put leaves no object under the key that a listing or read would return as complete.
    /// An existing object under the same key is replaced (callers never reuse keys).
    /// <paramref name="sha256Hex"/> describes the file's bytes and is stored as object metadata
    /// where the store supports it; it is not checked here.
    /// Returns true only when the store itself confirmed that it holds exactly these bytes (a
    /// checksum it computed matched ours); false means only reading the object back can tell.
    /// </summary>
    Task<bool> PutAsync(string key, string sourcePath, string sha256Hex, CancellationToken ct);

    /// <summary>
    /// Opens the object for reading from its first byte. The caller disposes the stream.
    /// Throws <see cref="BackupNotFoundException"/> when no object exists under the key.
    /// </summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken ct);

    /// <summary>
    /// Every complete object whose key starts with <paramref name="prefix"/> (a plain string
    /// prefix, not a folder), at any depth, in ordinal key order. Empty when there are none,
    /// also when the target has never been written to.
    /// </summary>
    Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken ct);

    /// <summary>Removes the object; deleting a key that does not exist succeeds.</summary>
    Task DeleteAsync(string key, CancellationToken ct);

    /// <summary>Where this target points, for log lines; never contains credentials.</summary>
    string Describe();
}
