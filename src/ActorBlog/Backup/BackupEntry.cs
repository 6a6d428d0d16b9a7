using System.Text.Json;
using System.Text.Json.Serialization;
using ActorBlog.Backup.Format;

namespace ActorBlog.Backup;

/// <summary>One backup as GET /api/backups and <c>backups --json</c> list it: the manifest's public fields.</summary>
public sealed record BackupEntry(string Id, DateTime CreatedAt, long SizeBytes, long StoredBytes, string Sha256, string Compression, bool Encrypted)
{
    public static BackupEntry From(BackupManifest m) =>
        new(m.Id, m.CreatedAt.UtcDateTime, m.SizeBytes, m.StoredBytes, m.Sha256, m.Compression, m.Encrypted);
}

/// <summary>The listing's JSON, generated at compile time: the native CLI has no reflection to serialize with.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(List<BackupEntry>))]
public sealed partial class BackupEntryJson : JsonSerializerContext;
