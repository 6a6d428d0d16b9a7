using ActorBlog.Backup.Targets;
using ActorBlog.Tests.Infrastructure;

namespace ActorBlog.Tests.Backup.Targets;

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
        await _target.PutAsync(key, source, "unused", CancellationToken.None);
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
    public async Task Put_replaces_an_existing_object()
    {
        await Put("k", [1, 2, 3]);
        await Put("k", [4]);
        Assert.Equal([4], await Read("k"));
    }

    [Fact]
    public async Task List_matches_a_string_prefix_at_any_depth_in_key_order()
    {
        foreach (var key in new[] { "b/2/x", "a/1/y", "a/1/x", "ab/z", "a/2/3/deep" })
            await Put(key, [1]);

        Assert.Equal(["a/1/x", "a/1/y", "a/2/3/deep", "ab/z", "b/2/x"], await _target.ListKeysAsync("", CancellationToken.None));
        Assert.Equal(["a/1/x", "a/1/y", "a/2/3/deep"], await _target.ListKeysAsync("a/", CancellationToken.None));
        Assert.Equal(["a/1/x", "a/1/y", "a/2/3/deep", "ab/z"], await _target.ListKeysAsync("a", CancellationToken.None));
        Assert.Equal(["a/1/x"], await _target.ListKeysAsync("a/1/x", CancellationToken.None));
        Assert.Empty(await _target.ListKeysAsync("c/", CancellationToken.None));
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

    [Fact]
    public async Task Reading_a_missing_key_throws_not_found()
    {
        var ex = await Assert.ThrowsAsync<BackupNotFoundException>(() => _target.OpenReadAsync("no/such/key", CancellationToken.None));
        Assert.Equal("no/such/key", ex.Key);
    }

    [Fact]
    public async Task Delete_removes_and_is_idempotent()
    {
        await Put("x/y", [1]);

        await _target.DeleteAsync("x/y", CancellationToken.None);
        await _target.DeleteAsync("x/y", CancellationToken.None);
        await _target.DeleteAsync("never/was/here", CancellationToken.None);

        Assert.Empty(await _target.ListKeysAsync("", CancellationToken.None));
    }

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
