using System.Security.Cryptography;
using ActorBlog.Backup.Replication;
using ActorBlog.Backup.Restore;
using ActorBlog.Posts;
using ActorBlog.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Tests.Backup.Replication;

/// <summary>
/// The whole path on real files: commits captured from the real WAL, shipped as real (encrypted)
/// change objects into a folder target, and restored at every committed transaction, each compared
/// with what the live database held right after that commit.
/// </summary>
public sealed class ReplicationRoundTripTests : IDisposable
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private readonly TempDirectory _dir = new();

    private string Target => _dir.File("target");
    private string Temp => _dir.File("tmp");

    private async Task<RestoredBackup> RestoreAsync(BackupSelection selection, string name, byte[]? key = null)
    {
        var (backups, _) = TappedBlog.Catalogs(Target);
        var outcome = await new Restorer(backups, key ?? Key).RestoreAsync(selection, _dir.File(name), RestoreMode.Strict, force: true, CancellationToken.None);
        return outcome.Restored;
    }

    [Fact]
    public async Task Every_committed_transaction_restores_exactly_across_backups_checkpoints_and_wal_restarts()
    {
        var (backups, changes) = TappedBlog.Catalogs(Target);
        // A tiny checkpoint threshold: the WAL is checkpointed and restarted many times during the test.
        using var blog = new TappedBlog(_dir.Path, checkpointPages: 100);
        var posts = Enumerable.Range(0, 8).Select(_ => blog.Create()).ToList();
        var first = await blog.BackupAsync(backups, Temp, Key);
        for (var i = 0; i < 25; i++) posts.Add(blog.Create(bodyBytes: 3000 + i * 400)); // overflow pages, a growing file
        blog.Apply(new UpdatePost(posts[0].Id, 1, new PostInput("Renamed", "renamed", "New body", ["changed"], "draft")),
            new DeletePost(posts[1].Id), new CreatePost(new PostInput("In a group", null, "Three commands, one transaction.", null, "published")));
        var second = await blog.BackupAsync(backups, Temp, Key);
        for (var i = 0; i < 20; i++) blog.Apply(new DeletePost(posts[i + 2].Id)); // the file shrinks: freelist and truncation
        for (var i = 0; i < 10; i++) blog.Create(bodyBytes: 9000);

        Assert.Empty(blog.Failures);
        var walBytes = new FileInfo(blog.Database.Path + "-wal").Length;
        var captured = blog.Captured.Sum(t => t.Pages.Count) * 4096L;
        Assert.True(walBytes < captured / 2, $"the WAL ({walBytes} bytes) should have restarted after checkpoints; {captured} bytes of pages were committed");

        await blog.ShipAsync(changes, Key, blog.Captured, 1, 3, 7, 2);

        foreach (var tx in blog.Captured.Where(t => t.Revision > first.Revision))
        {
            var restored = await RestoreAsync(new BackupSelection(At: tx.CommittedAt), "at.db");
            Assert.Equal(tx.Revision, restored.Revision);
            Assert.Equal(tx.CommittedAt, restored.CommittedAt);
            Assert.Equal(tx.Revision > second.Revision ? second.Id : first.Id, restored.Backup.Id);
            Assert.True(blog.States[tx.Revision] == TappedBlog.Dump(_dir.File("at.db")), $"revision {tx.Revision} restored differently");
        }

        var newest = await RestoreAsync(BackupSelection.Newest, "newest.db");
        Assert.Equal(blog.Revision, newest.Revision);
        Assert.Equal(blog.States[blog.Revision], TappedBlog.Dump(_dir.File("newest.db")));
        Assert.Null(Lineage(_dir.File("newest.db")));

        var alone = await RestoreAsync(new BackupSelection(Id: first.Id), "alone.db");
        Assert.Equal(first.Revision, alone.Revision);
        Assert.Equal(0, alone.ChangeObjects);
        Assert.Equal(blog.States[first.Revision], TappedBlog.Dump(_dir.File("alone.db")));
    }

    [Fact]
    public async Task Restore_at_a_time_between_two_commits_brings_back_the_earlier_one_and_not_the_later()
    {
        var (backups, changes) = TappedBlog.Catalogs(Target);
        using var blog = new TappedBlog(_dir.Path);
        blog.Create();
        await blog.BackupAsync(backups, Temp, Key);
        var before = blog.Create();
        var between = blog.Captured[^1].CommittedAt.AddTicks(TimeSpan.TicksPerMillisecond / 2);
        var after = blog.Create();
        await blog.ShipAsync(changes, Key, blog.Captured, 10);

        await RestoreAsync(new BackupSelection(At: between), "between.db");

        var titles = Titles(_dir.File("between.db"));
        Assert.Contains(before.Title, titles);
        Assert.DoesNotContain(after.Title, titles);
    }

    [Fact]
    public async Task A_flipped_byte_in_a_change_object_fails_the_restore_naming_it_and_the_newest_time_still_restorable()
    {
        var (backups, changes) = TappedBlog.Catalogs(Target);
        using var blog = new TappedBlog(_dir.Path);
        blog.Create();
        await blog.BackupAsync(backups, Temp, Key);
        for (var i = 0; i < 6; i++) blog.Create();
        var keys = await blog.ShipAsync(changes, Key, blog.Captured, 2);
        var damaged = keys.First(k => k.From >= blog.Captured[3].Revision);
        var good = keys[keys.IndexOf(damaged) - 1];
        var path = Path.Combine(Target, damaged.Key);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 0x10;
        await File.WriteAllBytesAsync(path, bytes);

        var failure = await Assert.ThrowsAsync<RestoreException>(() => RestoreAsync(BackupSelection.Newest, "damaged.db"));

        Assert.Contains(damaged.Key, failure.Message);
        Assert.Contains($"restore --at {good.LastCommit:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}", failure.Message);
        Assert.DoesNotContain('\n', failure.Message);
        Assert.False(File.Exists(_dir.File("damaged.db")));
        // The time it names does restore, to the last commit before the damaged object.
        var restored = await RestoreAsync(new BackupSelection(At: good.LastCommit), "named.db");
        Assert.Equal(good.To, restored.Revision);
        Assert.Equal(blog.States[good.To], TappedBlog.Dump(_dir.File("named.db")));
    }

    [Fact]
    public async Task A_last_upload_cut_off_by_the_machines_loss_restores_up_to_the_object_before_it_and_a_cut_object_inside_the_chain_fails()
    {
        var (backups, changes) = TappedBlog.Catalogs(Target);
        using var blog = new TappedBlog(_dir.Path);
        blog.Create();
        await blog.BackupAsync(backups, Temp, Key);
        for (var i = 0; i < 6; i++) blog.Create();
        var keys = await blog.ShipAsync(changes, Key, blog.Captured, 2);
        // What a store without atomic puts (s3rver) keeps of an upload the killed program did not finish.
        var last = Path.Combine(Target, keys[^1].Key);
        File.WriteAllBytes(last, File.ReadAllBytes(last)[..10]);

        var restored = await RestoreAsync(BackupSelection.Newest, "cut.db");

        Assert.Equal(keys[^2].To, restored.Revision);
        Assert.Equal(blog.States[keys[^2].To], TappedBlog.Dump(_dir.File("cut.db")));

        var middle = Path.Combine(Target, keys[^2].Key);
        File.WriteAllBytes(middle, File.ReadAllBytes(middle)[..10]);
        var failure = await Assert.ThrowsAsync<RestoreException>(() => RestoreAsync(BackupSelection.Newest, "cut-inside.db"));
        Assert.Contains(keys[^2].Key, failure.Message);
    }

    [Fact]
    public async Task A_missing_change_object_fails_the_restore_instead_of_skipping_its_commits()
    {
        var (backups, changes) = TappedBlog.Catalogs(Target);
        using var blog = new TappedBlog(_dir.Path);
        blog.Create();
        await blog.BackupAsync(backups, Temp, Key);
        for (var i = 0; i < 6; i++) blog.Create();
        var keys = await blog.ShipAsync(changes, Key, blog.Captured, 2);
        var missing = keys[^2];
        File.Delete(Path.Combine(Target, missing.Key));

        var failure = await Assert.ThrowsAsync<RestoreException>(() => RestoreAsync(BackupSelection.Newest, "gap.db"));

        Assert.Contains($"after revision {missing.From}", failure.Message);
        Assert.Contains($"restore --at {keys[^3].LastCommit:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}", failure.Message);
    }

    [Fact]
    public async Task Without_the_key_an_encrypted_change_object_is_reported_as_a_key_problem_not_as_damage()
    {
        var (backups, changes) = TappedBlog.Catalogs(Target);
        using var blog = new TappedBlog(_dir.Path);
        blog.Create();
        await blog.BackupAsync(backups, Temp, key: null);
        blog.Create();
        await blog.ShipAsync(changes, Key, blog.Captured, 5);

        var failure = await Assert.ThrowsAsync<ActorBlog.Backup.Format.BackupKeyException>(
            () => new Restorer(backups, null).RestoreAsync(BackupSelection.Newest, _dir.File("nokey.db"), RestoreMode.Strict, false, CancellationToken.None));
        Assert.Contains("ACTORBLOG_BACKUP_KEY", failure.Message);
    }

    [Fact]
    public async Task A_reader_holding_a_snapshot_for_long_neither_stalls_the_writer_nor_breaks_the_stream()
    {
        var (backups, changes) = TappedBlog.Catalogs(Target);
        using var blog = new TappedBlog(_dir.Path, checkpointPages: 100);
        blog.Create();
        await blog.BackupAsync(backups, Temp, Key);
        using (var reader = blog.Database.OpenReader())
        using (var hold = reader.BeginTransaction())
        {
            using (var read = reader.CreateCommand())
            {
                read.Transaction = hold;
                read.CommandText = "SELECT COUNT(*) FROM posts";
                read.ExecuteScalar(); // the read snapshot is now pinned
            }
            for (var i = 0; i < 40; i++) blog.Create(bodyBytes: 5000); // PASSIVE checkpoints meanwhile: never wait for the reader
        }
        for (var i = 0; i < 40; i++) blog.Create(bodyBytes: 5000); // the reader is gone: the WAL restarts again
        Assert.Empty(blog.Failures);
        await blog.ShipAsync(changes, Key, blog.Captured, 4);

        var restored = await RestoreAsync(BackupSelection.Newest, "after-reader.db");

        Assert.Equal(blog.Revision, restored.Revision);
        Assert.Equal(blog.States[blog.Revision], TappedBlog.Dump(_dir.File("after-reader.db")));
    }

    [Fact]
    public async Task Retention_deletes_the_changes_only_deleted_backups_needed_and_every_kept_backup_still_restores_to_each_commit()
    {
        var (backups, changes) = TappedBlog.Catalogs(Target);
        using var blog = new TappedBlog(_dir.Path);
        var bases = new List<ActorBlog.Backup.Format.BackupManifest>();
        for (var round = 0; round < 3; round++)
        {
            bases.Add(await blog.BackupAsync(backups, Temp, Key));
            for (var i = 0; i < 4; i++) blog.Create();
        }
        await blog.ShipAsync(changes, Key, blog.Captured, 3);

        var deleted = await ActorBlog.Backup.BackupJob.ApplyRetentionAsync(backups, new ActorBlog.Backup.Retention.RetentionRules(2, 0, 0, 0), CancellationToken.None);

        Assert.Equal([bases[0].Id], deleted.Select(b => b.Id));
        var left = await changes.ListAsync(null, CancellationToken.None);
        Assert.All(left, c => Assert.True(c.To > bases[1].Revision, $"{c.Key} ends before every kept backup"));
        Assert.Contains(left, c => c.From <= bases[1].Revision); // the object that continues the oldest kept backup stays
        foreach (var tx in blog.Captured.Where(t => t.Revision > bases[1].Revision))
        {
            var restored = await RestoreAsync(new BackupSelection(At: tx.CommittedAt), "kept.db");
            Assert.Equal(tx.Revision, restored.Revision);
            Assert.Equal(blog.States[tx.Revision], TappedBlog.Dump(_dir.File("kept.db")));
        }
    }

    private static string? Lineage(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return ActorBlog.Backup.Replication.Lineage.Read(connection);
    }

    private static List<string> Titles(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT title FROM posts";
        using var reader = command.ExecuteReader();
        var titles = new List<string>();
        while (reader.Read()) titles.Add(reader.GetString(0));
        return titles;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
