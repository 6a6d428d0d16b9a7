using ActorBlog.Backup.Targets;
using ActorBlog.Tests.Infrastructure;

namespace ActorBlog.Tests.Backup.Targets;

/// <summary>What only a folder does; what every target does is in <see cref="FileTargetContractTests"/>.</summary>
public sealed class FileBackupTargetTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FileBackupTarget _target;
    private readonly string _root;

    public FileBackupTargetTests()
    {
        _root = Path.Combine(_dir.Path, "backups");
        _target = new FileBackupTarget(_root);
    }

    public void Dispose() => _dir.Dispose();

    private async Task Put(string key, byte[] content)
    {
        var source = _dir.File(Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(source, content);
        await _target.PutFileAsync(key, source);
    }

    private async Task<byte[]> Read(string key)
    {
        await using var stream = await _target.OpenReadAsync(key, CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task Put_then_read_returns_the_same_bytes_in_nested_folders()
    {
        var content = new byte[300_000];
        new Random(1).NextBytes(content);

        await Put("2026/11/26/a.db.zst", content);

        Assert.Equal(content, await Read("2026/11/26/a.db.zst"));
        Assert.True(File.Exists(Path.Combine(_root, "2026", "11", "26", "a.db.zst")));
    }

    [Fact]
    public async Task A_leftover_temporary_file_is_never_listed()
    {
        await Put("2026/01/01/real", [1]);
        await File.WriteAllBytesAsync(Path.Combine(_root, "2026", "01", "01", ".real2.0123456789abcdef.tmp"), [9]);

        Assert.Equal(["2026/01/01/real"], await _target.ListKeysAsync("", CancellationToken.None));
    }

    [Fact]
    public async Task A_target_never_written_to_lists_nothing() =>
        Assert.Empty(await new FileBackupTarget(_dir.File("nowhere")).ListKeysAsync("", CancellationToken.None));

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    [InlineData(".hidden")]
    [InlineData("")]
    public async Task Unsafe_keys_are_rejected(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Put(key, [1]));
        await Assert.ThrowsAsync<ArgumentException>(() => _target.OpenReadAsync(key, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => _target.DeleteAsync(key, CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(_dir.Path, "escape")));
    }

    [Fact]
    public void Describe_names_the_folder() =>
        Assert.Equal($"file {_root}", _target.Describe());
}
