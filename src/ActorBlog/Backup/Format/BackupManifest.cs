using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorBlog.Backup.Format;

/// <summary>
/// What a backup is, stored beside its data object. Written last, so its presence in a
/// listing means the data object is complete and was verified.
/// </summary>
/// <param name="SizeBytes">Raw SQLite bytes before compression.</param>
/// <param name="StoredBytes">Bytes of the data object as the target holds them.</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the stored data object bytes.</param>
/// <param name="Compression">"zstd".</param>
/// <param name="DataKey">Object key of the data object.</param>
public sealed record BackupManifest(
    int FormatVersion,
    string Id,
    DateTimeOffset CreatedAt,
    long Revision,
    long PostCount,
    long SizeBytes,
    long StoredBytes,
    string Sha256,
    string Compression,
    bool Encrypted,
    string DataKey)
{
    public const int CurrentFormatVersion = 1;

    /// <summary>
    /// The replication lineage the snapshot belongs to: change objects under <c>changes/{lineage}/</c>
    /// continue it from <see cref="Revision"/>. Null for backups taken without replication (or before it existed).
    /// </summary>
    public string? Lineage { get; init; }

    public static string Serialize(BackupManifest manifest) =>
        JsonSerializer.Serialize(manifest, BackupManifestJson.Default.BackupManifest);

    /// <summary>Parses a manifest; anything that is not a complete manifest is a <see cref="FormatException"/>.</summary>
    public static BackupManifest Parse(string json)
    {
        BackupManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(json, BackupManifestJson.Default.BackupManifest);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Backup manifest is not valid JSON: {e.Message}", e);
        }

        if (manifest is null)
            throw new FormatException("Backup manifest is empty (JSON null).");

        // The deserializer leaves absent strings null despite the non-nullable annotations.
        if (string.IsNullOrEmpty(manifest.Id) || string.IsNullOrEmpty(manifest.Sha256)
            || string.IsNullOrEmpty(manifest.Compression) || string.IsNullOrEmpty(manifest.DataKey))
            throw new FormatException("Backup manifest lacks one of id, sha256, compression, dataKey.");
        if (manifest.FormatVersion < 1 || manifest.FormatVersion > CurrentFormatVersion)
            throw new FormatException($"Backup manifest format version {manifest.FormatVersion} is not supported.");
        return manifest;
    }
}

/// <summary>
/// The manifest's JSON contract, generated at build time: reflection-based metadata (and its emitted
/// accessors) cost every CLI listing tens of milliseconds on first use.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(BackupManifest))]
internal sealed partial class BackupManifestJson : JsonSerializerContext;
