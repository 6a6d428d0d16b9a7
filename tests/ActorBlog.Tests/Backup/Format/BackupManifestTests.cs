using ActorBlog.Backup.Format;

namespace ActorBlog.Tests.Backup.Format;

public sealed class BackupManifestTests
{
    private static readonly BackupManifest Sample = new(1, "20261126T122643123Z-0a1b2c",
        new DateTimeOffset(2026, 11, 26, 12, 26, 43, 123, TimeSpan.Zero), 42, 7, 1_000_000, 250_000,
        new string('e', 64), "zstd", true, "blog/2026/11/26/20261126T122643123Z-0a1b2c.db.zst.enc");

    [Fact]
    public void Serializes_to_camel_case_json_and_back()
    {
        var json = BackupManifest.Serialize(Sample);

        Assert.Contains("\"formatVersion\": 1", json);
        Assert.Contains("\"dataKey\": \"blog/2026/11/26/20261126T122643123Z-0a1b2c.db.zst.enc\"", json);
        Assert.Contains("\"storedBytes\": 250000", json);
        Assert.Equal(Sample, BackupManifest.Parse(json));
    }

    /// <summary>Manifests already in buckets were written by the reflection serializer with these options: the generated contract must read and write the same text.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData("0a1b2c3d")]
    public void Writes_and_reads_exactly_what_the_reflection_serializer_did(string? lineage)
    {
        var manifest = Sample with { Lineage = lineage };
        var reflection = new System.Text.Json.JsonSerializerOptions
        {
            PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
            WriteIndented = true,
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        var old = System.Text.Json.JsonSerializer.Serialize(manifest, reflection);

        Assert.Equal(old, BackupManifest.Serialize(manifest));
        Assert.Equal(manifest, BackupManifest.Parse(old));
        Assert.Equal(lineage, BackupManifest.Parse(old).Lineage);
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{ not json")]
    [InlineData("[1,2]")]
    [InlineData("{}")]
    [InlineData("{\"formatVersion\":1,\"id\":\"x\"}")]
    [InlineData("{\"formatVersion\":99,\"id\":\"x\",\"sha256\":\"a\",\"compression\":\"zstd\",\"dataKey\":\"k\"}")]
    public void Garbage_is_a_format_exception(string json) =>
        Assert.Throws<FormatException>(() => BackupManifest.Parse(json));
}
