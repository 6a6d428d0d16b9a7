using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ActorBlog.Backup;
using ActorBlog.Backup.Format;
using ActorBlog.Backup.Replication;
using ActorBlog.Backup.Targets;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;

namespace ActorBlog.Tests.Backup.Targets;

/// <summary>
/// When a backup counts without being read back (contract 6.2: "a checksum the target computed
/// itself"): over a real s3rver, behind the FaultProxy where a store must answer otherwise than
/// s3rver does (S3's multipart ETag, an encrypting store's) or a byte must change on the way.
/// Every GET of a data object is counted at the proxy: a read-back is one.
/// </summary>
[Collection(S3rverCollection.Name)]
public sealed partial class StoreChecksumTests(S3rverFixture s3) : IAsyncLifetime
{
    private const int Small = 300_001; // within one buffer, as most change objects are
    private const int SinglePut = 20 * 1024 * 1024 + 123; // held in three 8 MiB buffers, sent as one
    private const int Multipart = 40 * 1024 * 1024 + 123; // past the single-put limit: five full 8 MiB parts and a short one
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 16, 0, 0, TimeSpan.Zero);

    private readonly string _prefix = $"etag-{Guid.NewGuid():N}";
    private readonly TempDirectory _dir = new();
    private FaultProxy _proxy = null!;
    private S3BackupTarget _target = null!;
    private BackupCatalog _catalog = null!;
    private int _dataGets;
    private int _changeGets;

    public async Task InitializeAsync()
    {
        _proxy = await FaultProxy.StartAsync(s3.Endpoint);
        _proxy.Inject = request =>
        {
            if (request.Method == "GET" && request.Path.Value!.EndsWith(BackupNaming.DataSuffix, StringComparison.Ordinal))
                Interlocked.Increment(ref _dataGets);
            if (request.Method == "GET" && request.Path.Value!.EndsWith(ChangeKey.Suffix, StringComparison.Ordinal))
                Interlocked.Increment(ref _changeGets);
            return Fault.Pass;
        };
        _target = new S3BackupTarget(s3.TargetOptions(_prefix, _proxy.Endpoint) with { MaxErrorRetry = 0 });
        _catalog = new BackupCatalog(_target, _prefix);
    }

    public async Task DisposeAsync()
    {
        _catalog.Dispose();
        await _proxy.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>
    /// What S3, Spaces and MinIO answer: to a completed multipart upload the MD5 of the part ETags
    /// it lists (each the MD5 the store computed of that part), "-N"; to a PutObject the MD5 of the body, as s3rver does.
    /// </summary>
    private static string AnswerLikeS3(Microsoft.AspNetCore.Http.HttpRequest request, byte[] body, string etag) =>
        request.Method == "POST" ? CompositeOf(body) : etag;

    private static string CompositeOf(byte[] completionRequest)
    {
        var parts = PartETag().Matches(System.Text.Encoding.UTF8.GetString(completionRequest))
            .Select(m => Convert.FromHexString(m.Groups[1].Value)).ToList();
        Assert.NotEmpty(parts);
        return $"\"{Convert.ToHexStringLower(MD5.HashData(parts.SelectMany(p => p).ToArray()))}-{parts.Count}\"";
    }

    [GeneratedRegex("<ETag>(?:\"|&quot;)?([0-9a-fA-F]{32})(?:\"|&quot;)?</ETag>")]
    private static partial Regex PartETag();

    /// <summary>Stores <paramref name="length"/> random bytes as one backup's data object, as the upload step streams it.</summary>
    private Task<BackupManifest> StoreAsync(int length, bool verify)
    {
        var id = BackupNaming.NewId(T0);
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return _catalog.StoreAsync(id, encrypted: false, async (stream, ct) =>
        {
            for (var offset = 0; offset < bytes.Length; offset += 100_003)
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(100_003, bytes.Length - offset)), ct);
            return new BackupManifest(BackupManifest.CurrentFormatVersion, id, T0, Revision: 1, PostCount: 1, length, length,
                Convert.ToHexStringLower(SHA256.HashData(bytes)), "zstd", Encrypted: false, _catalog.DataKeyFor(id, encrypted: false));
        }, verify, CancellationToken.None);
    }

    public static TheoryData<int, bool> Answers => new()
    {
        { Small, false },      // PutObject of one buffer
        { SinglePut, false },  // PutObject: the MD5 of the body
        { Multipart, false },  // s3rver: the MD5 of the whole assembled object
        { Multipart, true },   // S3: the MD5 of the part MD5s, "-3"
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task A_backup_the_stores_own_checksum_confirms_counts_without_a_read_back(int length, bool composite)
    {
        if (composite) _proxy.RewriteETag = AnswerLikeS3;

        var stored = await StoreAsync(length, verify: false);

        Assert.Equal(0, _dataGets);
        Assert.Equal([stored], await _catalog.ListAsync(CancellationToken.None));
        // And the store does hold exactly those bytes.
        var (bytes, sha256) = await _target.HashAsync(stored.DataKey, CancellationToken.None);
        Assert.Equal((stored.StoredBytes, stored.Sha256), (bytes, sha256));
    }

    [Theory]
    [InlineData(Small)]
    [InlineData(SinglePut)]
    [InlineData(Multipart)]
    public async Task A_store_whose_answer_confirms_nothing_is_read_back_before_the_backup_counts(int length)
    {
        // An SSE-KMS bucket, or a clone with ETags of its own: not an MD5 of the bytes.
        _proxy.RewriteETag = (_, _, _) => "\"" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + "\"";

        var stored = await StoreAsync(length, verify: false);

        Assert.Equal(1, _dataGets);
        Assert.Equal([stored], await _catalog.ListAsync(CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task A_byte_changed_on_the_way_to_the_store_fails_the_backup_and_leaves_nothing(int length, bool composite)
    {
        if (composite) _proxy.RewriteETag = AnswerLikeS3;
        _proxy.CorruptPutsEndingWith = BackupNaming.DataSuffix;

        var e = await Assert.ThrowsAsync<BackupVerificationException>(() => StoreAsync(length, verify: false));

        Assert.True(_proxy.Corrupted > 0);
        Assert.Contains("read back from", e.Message);
        Assert.Equal(1, _dataGets); // the store's checksum disagreed, so the object was read back, and found wrong
        Assert.Empty(await _target.ListKeysAsync(_prefix + "/", CancellationToken.None));
    }

    [Theory]
    [InlineData(Small)]
    [InlineData(SinglePut)]
    [InlineData(Multipart)]
    public async Task With_verify_on_every_backup_is_read_back_whatever_the_store_answers(int length)
    {
        var stored = await StoreAsync(length, verify: true);

        Assert.Equal(1, _dataGets);
        Assert.Equal([stored], await _catalog.ListAsync(CancellationToken.None));
    }

    /// <summary>One transaction of <paramref name="pages"/> random 4 KiB pages, continuing revision <paramref name="from"/>.</summary>
    private static CapturedTransaction[] Batch(long from, int pages = 8)
    {
        var random = new Random((int)from);
        var written = Enumerable.Range(1, pages).Select(n =>
        {
            var page = new byte[4096];
            random.NextBytes(page);
            return new WalPage((uint)n, page);
        }).ToList();
        return [new CapturedTransaction("0123456789abcdef", from, from + 1, T0.AddSeconds(from), 4096, (uint)pages, written)];
    }

    [Fact]
    public async Task A_change_object_counts_by_the_stores_checksum_and_is_read_back_when_the_answer_confirms_nothing()
    {
        var changes = new ChangeCatalog(_target, _prefix);

        var confirmed = await changes.StoreAsync(Batch(1), key: null, compressionLevel: 3, verify: false, CancellationToken.None);
        Assert.Equal(0, _changeGets);

        _proxy.RewriteETag = (_, _, _) => "\"" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + "\"";
        var readBack = await changes.StoreAsync(Batch(2), key: null, compressionLevel: 3, verify: false, CancellationToken.None);
        Assert.Equal(1, _changeGets);

        Assert.Equal([confirmed, readBack], await changes.ListAsync(lineage: null, CancellationToken.None));
    }

    [Fact]
    public async Task A_change_object_changed_on_the_way_to_the_store_fails_and_leaves_nothing()
    {
        var changes = new ChangeCatalog(_target, _prefix);
        _proxy.CorruptPutsEndingWith = ChangeKey.Suffix;

        await Assert.ThrowsAsync<BackupVerificationException>(() =>
            changes.StoreAsync(Batch(1), key: null, compressionLevel: 3, verify: false, CancellationToken.None));

        Assert.True(_proxy.Corrupted > 0);
        Assert.Equal(1, _changeGets); // the store's checksum disagreed, so the object was read back, and found wrong
        Assert.Empty(await changes.ListAsync(lineage: null, CancellationToken.None));
    }
}
