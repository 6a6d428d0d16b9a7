using ActorBlog.Backup.Targets;

namespace ActorBlog.Tests.Backup.Targets;

/// <summary>The contract on a folder: damage is a changed file on disk; a failing store is a folder a file stands in the way of.</summary>
public sealed class FileTargetContractTests : BackupTargetContract
{
    private readonly FileBackupTarget _target;

    public FileTargetContractTests() => _target = new FileBackupTarget(Root);

    private string Root => Dir.File("backups");

    protected override IBackupTarget Target => _target;
    protected override string Prefix => "";
    protected override bool ChecksWhatItReturns => false;

    protected override void Damage(string key, Func<byte[], byte[]> change)
    {
        var path = Path.Combine(Root, key);
        File.WriteAllBytes(path, change(File.ReadAllBytes(path)));
    }

    protected override Task<IBackupTarget> FailingTargetAsync()
    {
        // A backup disk that failed to mount, leaving a file where the folder should be.
        var blocked = Dir.File("blocked");
        File.WriteAllText(blocked, "not a folder");
        return Task.FromResult<IBackupTarget>(new FileBackupTarget(Path.Combine(blocked, "backups")));
    }
}
