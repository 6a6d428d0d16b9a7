using System.Collections;

namespace ActorBlog.Configuration;

/// <summary>
/// Secrets, from the environment only. Never logged: <see cref="ToString"/> hides every value,
/// so a secret cannot leak through a structured log property or an exception message.
/// </summary>
public sealed class Secrets
{
    private Secrets(string? authorToken, string? spacesKey, string? spacesSecret, byte[]? backupKey)
    {
        AuthorToken = authorToken;
        SpacesKey = spacesKey;
        SpacesSecret = spacesSecret;
        BackupKey = backupKey;
    }

    public string? AuthorToken { get; }
    public string? SpacesKey { get; }
    public string? SpacesSecret { get; }
    /// <summary>32 bytes, or null when backups are not encrypted.</summary>
    public byte[]? BackupKey { get; }

    public static Secrets FromEnvironment(IDictionary environment)
    {
        string? Get(string name) => environment[name] is string { Length: > 0 } value ? value : null;
        return new Secrets(Get("ACTORBLOG_AUTHOR_TOKEN"), Get("SPACES_KEY"), Get("SPACES_SECRET"), ParseKey(Get("ACTORBLOG_BACKUP_KEY")));
    }

    public static byte[]? ParseKey(string? base64)
    {
        if (base64 is null) return null;
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new SettingsException("ACTORBLOG_BACKUP_KEY", "is not valid base64 (expected 32 random bytes, e.g. from 'openssl rand -base64 32')");
        }
        return key.Length == 32
            ? key
            : throw new SettingsException("ACTORBLOG_BACKUP_KEY", $"must decode to 32 bytes, not {key.Length}");
    }

    public override string ToString() => "Secrets(hidden)";
}
