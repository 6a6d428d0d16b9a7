using System.Security.Cryptography;
using ActorBlog.Backup;
using ActorBlog.Backup.Format;
using ActorBlog.Backup.Targets;
using ActorBlog.Tests.Infrastructure;

namespace ActorBlog.Tests.Backup.Targets;

/// <summary>What only S3 does (multipart, the store's own errors); what every target does is in <see cref="S3TargetContractTests"/>.</summary>
[Collection(S3rverCollection.Name)]
public sealed class S3BackupTargetTests : IDisposable
{
    private readonly S3rverFixture _s3;
    private readonly TempDirectory _dir = new();
    private readonly S3TargetOptions _options;
    private readonly S3BackupTarget _target;

    public S3BackupTargetTests(S3rverFixture s3)
    {
        _s3 = s3;
        // A prefix per test keeps tests independent of each other and of their order.
        _options = s3.TargetOptions($"t-{Guid.NewGuid():N}");
        _target = new S3BackupTarget(_options) { ListPageSize = 2 };
    }

    public void Dispose()
    {
        _target.Dispose();
        _dir.Dispose();
    }

    private string Key(string rest) => $"{_options.Prefix}/{rest}";

    private string RandomFile(int length)
    {
        var path = _dir.File(Guid.NewGuid().ToString("N"));
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private async Task<byte[]> Read(string key)
    {
        await using var stream = await _target.OpenReadAsync(key, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Theory]
    [InlineData(1_000_003)]               // one PutObject
    [InlineData(S3BackupTarget.SinglePutLimit + 123)] // multipart: four full 8 MiB parts and a short one
    public async Task Put_then_read_returns_identical_bytes(int length)
    {
        var path = RandomFile(length);
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

        var confirmedByStore = await _target.PutFileAsync(Key("2026/11/26/object.db.zst"), path);

        // s3rver, like S3, reports a single PUT's ETag as the MD5 of its bytes; a multipart one as the
        // MD5 of the whole object it assembled (S3's md5-of-part-md5s is in StoreChecksumTests).
        Assert.True(confirmedByStore);
        // Byte-identical means no aws-chunked framing or checksum trailer ended up in the object.
        var back = await Read(Key("2026/11/26/object.db.zst"));
        Assert.Equal(length, back.Length);
        Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(back)));
    }

    [Fact]
    public async Task A_catalog_stores_verifies_lists_and_deletes_on_s3()
    {
        var db = _dir.File("blog.db");
        SqliteFiles.Create(db, rows: 300, "marker");
        var catalog = new BackupCatalog(_target, _options.Prefix);
        var key = RandomNumberGenerator.GetBytes(32);
        var (manifest, encoded) = await CatalogTestSupport.Encode(catalog, db, _dir.Path, DateTimeOffset.UtcNow, key);

        await catalog.StoreFileAsync(encoded, manifest, verify: true);

        Assert.Equal([manifest], await catalog.ListAsync(CancellationToken.None));
        await using (var stored = await catalog.OpenDataAsync(manifest, CancellationToken.None))
        {
            using var sqlite = new MemoryStream();
            await BackupDecoder.DecodeAsync(stored, sqlite, key, manifest.Sha256);
            Assert.Equal(await File.ReadAllBytesAsync(db), sqlite.ToArray());
        }

        await catalog.DeleteAsync(manifest, CancellationToken.None);
        Assert.Empty(await catalog.ListAsync(CancellationToken.None));
        Assert.Empty(await _target.ListKeysAsync(_options.Prefix + "/", CancellationToken.None));
    }

    [Fact]
    public async Task A_missing_bucket_is_a_broken_target_not_a_missing_backup()
    {
        using var wrong = new S3BackupTarget(_options with { Bucket = "no-such-bucket-" + Guid.NewGuid().ToString("N")[..8], MaxErrorRetry = 0 });

        var e = await Assert.ThrowsAsync<IOException>(() => wrong.OpenReadAsync(Key("k"), CancellationToken.None));

        Assert.Contains("NoSuchBucket", e.Message);
        Assert.Equal(e.Message, BackupErrors.Describe(e));
    }
}
