namespace ActorBlog.Backup.Targets;

/// <summary>
/// Backups in a local folder (or a mounted disk): each key is a relative path under the root.
/// A put is written to a hidden temporary file beside its destination, fsynced, and renamed,
/// so a crash leaves either the whole object or a temporary file that is never listed.
/// </summary>
public sealed class FileBackupTarget : IBackupTarget
{
    private const string TempSuffix = ".tmp";
    private readonly string _root;

    public FileBackupTarget(string rootDir)
    {
        _root = Path.GetFullPath(rootDir);
    }

    public string Describe() => $"file {_root}";

    /// <returns>Always false: a folder computes no checksum of its own, so the catalog reads the file back.</returns>
    public async Task<bool> PutStreamAsync(string key, Func<Stream, CancellationToken, Task> write, CancellationToken ct)
    {
        var destination = PathFor(key);
        var directory = Path.GetDirectoryName(destination)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            await using (target.ConfigureAwait(false))
            {
                await write(target, ct).ConfigureAwait(false);
                target.Flush(flushToDisk: true);
            }
            File.Move(temp, destination, overwrite: true);
            // The data itself is fsynced; a directory that cannot be flushed only lets the rename lag.
            Durability.TryFsyncDirectory(directory, out _);
            return false;
        }
        catch
        {
            TempFiles.DeleteQuietly(temp);
            throw;
        }
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken ct)
    {
        var path = PathFor(key);
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            return Task.FromResult(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            ThrowIfBlocked(Path.GetDirectoryName(path)!);
            throw new BackupNotFoundException(key, e);
        }
    }

    public Task<IReadOnlyList<string>> ListKeysAsync(string prefix, CancellationToken ct)
    {
        // Walk only the deepest folder the prefix names; the rest of the tree cannot match.
        var folder = prefix.LastIndexOf('/') is var slash and >= 0 ? prefix[..slash] : "";
        var start = folder.Length == 0 ? _root : Path.Combine(_root, folder);
        if ((folder.Length > 0 && !IsSafeKey(folder)) || !Directory.Exists(start))
        {
            ThrowIfBlocked(start);
            return Task.FromResult<IReadOnlyList<string>>([]);
        }

        var keys = Directory.EnumerateFiles(start, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(_root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(key => key.StartsWith(prefix, StringComparison.Ordinal) && !IsTempName(key))
            .Order(StringComparer.Ordinal)
            .ToList();
        return Task.FromResult<IReadOnlyList<string>>(keys);
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        var path = PathFor(key);
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            ThrowIfBlocked(Path.GetDirectoryName(path)!);
            // otherwise already gone
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// A folder that does not exist yet is an empty target; one that cannot exist because a file
    /// stands in its way (or in the way of a folder under it) is a broken target, and saying
    /// "no backups" or "no such object" then would start a new blog or pass over a good backup.
    /// </summary>
    private void ThrowIfBlocked(string directory)
    {
        for (var dir = directory; !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (Directory.Exists(dir)) return;
            if (File.Exists(dir))
                throw new IOException($"The backup folder {_root} cannot be used: {dir} is a file, not a folder.");
        }
    }

    private string PathFor(string key)
    {
        if (!IsSafeKey(key))
            throw new ArgumentException($"'{key}' is not a valid backup key: use relative '/'-separated names without '.' segments.", nameof(key));
        return Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar));
    }

    // Segments may not start with '.', which rules out "..", "." and our own hidden temp files.
    private static bool IsSafeKey(string key) =>
        key.Length > 0
        && !Path.IsPathRooted(key)
        && !key.Contains('\\')
        && !key.Contains('\0')
        && key.Split('/').All(segment => segment.Length > 0 && segment[0] != '.');

    private static bool IsTempName(string key)
    {
        var name = key[(key.LastIndexOf('/') + 1)..];
        return name.StartsWith('.') && name.EndsWith(TempSuffix, StringComparison.Ordinal);
    }

}
