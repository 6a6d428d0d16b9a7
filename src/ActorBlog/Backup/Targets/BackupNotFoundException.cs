namespace ActorBlog.Backup.Targets;

/// <summary>The target holds no object under the requested key.</summary>
public sealed class BackupNotFoundException(string key, Exception? inner = null)
    : Exception($"No backup object at key '{key}'.", inner)
{
    public string Key { get; } = key;
}
