using ActorBlog.Backup.Targets;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;

namespace ActorBlog.Tests.Backup.Targets;

/// <summary>
/// The contract on a real s3rver: damage is a changed object file in s3rver's data folder (its
/// stored MD5 left as it was, as bit rot would leave it); a failing store is the same s3rver
/// behind a proxy that answers 500 to everything.
/// </summary>
[Collection(S3rverCollection.Name)]
public sealed class S3TargetContractTests(S3rverFixture s3) : BackupTargetContract
{
    private readonly string _prefix = $"contract-{Guid.NewGuid():N}";
    private S3BackupTarget? _target;
    private S3BackupTarget? _failing;
    private FaultProxy? _proxy;

    private S3TargetOptions Options(string endpoint) => new(endpoint, S3rverFixture.Region, s3.Bucket, _prefix,
        ForcePathStyle: true, S3rverFixture.AccessKey, S3rverFixture.SecretKey) { MaxErrorRetry = 0 };

    // Listing pages of two keys, so the listing tests cross page boundaries.
    protected override IBackupTarget Target => _target ??= new S3BackupTarget(Options(s3.Endpoint)) { ListPageSize = 2 };
    protected override string Prefix => _prefix + "/";
    protected override bool ChecksWhatItReturns => true;

    protected override void Damage(string key, Func<byte[], byte[]> change)
    {
        var path = s3.StoredObjectPath(key);
        File.WriteAllBytes(path, change(File.ReadAllBytes(path)));
    }

    protected override async Task<IBackupTarget> FailingTargetAsync()
    {
        _proxy = await FaultProxy.StartAsync(s3.Endpoint);
        _proxy.Inject = _ => Fault.Status500;
        return _failing = new S3BackupTarget(Options(_proxy.Endpoint));
    }

    public override async Task DisposeAsync()
    {
        _target?.Dispose();
        _failing?.Dispose();
        if (_proxy is not null) await _proxy.DisposeAsync();
        await base.DisposeAsync();
    }
}
