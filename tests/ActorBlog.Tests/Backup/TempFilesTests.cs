using ActorBlog.Backup;
using ActorBlog.Tests.Infrastructure;

namespace ActorBlog.Tests.Backup;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TempFilesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Staging_is_private_to_the_owner()
    {
        var staging = TempFiles.EnsurePrivateDirectory(_dir.File("staging"));
        var file = TempFiles.PathFor(staging, "snapshot");
        TempFiles.CreatePrivate(file);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(staging));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public void A_sweep_removes_staged_files_and_what_sqlite_added_to_them_but_nothing_else()
    {
        var staged = TempFiles.PathFor(_dir.Path, "x.snapshot.db");
        File.WriteAllText(staged, "");
        File.WriteAllText(staged + "-journal", "");
        File.WriteAllText(_dir.File("operator-notes.txt"), "keep me");

        Assert.Equal(2, TempFiles.Sweep(_dir.Path));
        Assert.Equal(["operator-notes.txt"], Directory.EnumerateFiles(_dir.Path).Select(Path.GetFileName));
        Assert.Equal(0, TempFiles.Sweep(_dir.File("missing")));
    }

    public void Dispose() => _dir.Dispose();
}
