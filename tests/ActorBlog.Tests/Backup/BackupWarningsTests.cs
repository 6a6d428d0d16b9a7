using ActorBlog.Backup;
using ActorBlog.Backup.Targets;
using ActorBlog.Configuration;
using ActorBlog.Tests.Infrastructure;

namespace ActorBlog.Tests.Backup;

/// <summary>On this machine's real filesystems: the temp folder's disk, and /dev/shm (tmpfs) as "another disk".</summary>
public sealed class BackupWarningsTests : IDisposable
{
    private const string OtherDisk = "/dev/shm";
    private readonly TempDirectory _dir = new();
    private readonly string _database;

    public BackupWarningsTests() => _database = _dir.File("blog.db");

    [Fact]
    public void Backups_in_a_folder_on_the_databases_disk_are_a_warning_that_names_the_folder_and_the_way_out()
    {
        var settings = TestBlog.Settings(_dir.Path); // backups/ beside blog.db

        var warning = Assert.Single(BackupWarnings.For(settings, _database));

        Assert.Contains(settings.FilePath, warning);
        Assert.Contains("actorblog.backup.file.path", warning);
        Assert.Contains("ACTORBLOG_BACKUP_TARGET=s3", warning);
    }

    [Fact]
    public void Backups_on_another_disk_are_no_warning()
    {
        Assert.NotEqual(Filesystems.DeviceOf(_dir.Path), Filesystems.DeviceOf(OtherDisk)); // the premise of this test
        var settings = TestBlog.Settings(_dir.Path) with { FilePath = Path.Combine(OtherDisk, "actorblog-tests", Guid.NewGuid().ToString("N")) };

        Assert.Empty(BackupWarnings.For(settings, _database));
    }

    [Fact]
    public void Backups_to_the_object_store_are_no_warning()
    {
        var settings = TestBlog.Settings(_dir.Path) with
        {
            Target = BackupTargetKind.S3,
            S3 = new S3TargetOptions("http://127.0.0.1:9", "us-east-1", "bucket", "", true, null, null),
        };

        Assert.Empty(BackupWarnings.For(settings, _database));
    }

    [Fact]
    public void A_folder_that_does_not_exist_yet_is_judged_by_the_parent_it_will_be_made_in()
    {
        var settings = TestBlog.Settings(_dir.Path) with { FilePath = _dir.File("not/yet/there") };

        Assert.Equal(Filesystems.DeviceOf(_dir.Path), Filesystems.DeviceOf(settings.FilePath));
        Assert.Single(BackupWarnings.For(settings, _database));
    }

    public void Dispose() => _dir.Dispose();
}
