using System.Text;
using ActorBlog.Backup;
using ActorBlog.Backup.Format;
using ActorBlog.Backup.Replication;
using ActorBlog.Backup.Targets;
using ActorBlog.Posts;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Tests.Backup.Replication;

/// <summary>
/// A real blog database written through the real PostWriter with the real WalTap on its connection,
/// every captured commit kept in order, and what the database held after each commit written down,
/// so a restore to any revision can be compared with the truth.
/// </summary>
public sealed class TappedBlog : IDisposable
{
    private readonly PostWriter _writer;
    private int _count;

    public TappedBlog(string directory, int checkpointPages = 1000)
    {
        Database = new BlogDatabase(Path.Combine(directory, "blog.db"), TimeSpan.FromSeconds(5));
        Database.Migrate();
        var connection = Database.OpenWriter();
        var tap = new WalTap(Capture, checkpointPages);
        tap.Open(connection);
        _writer = new PostWriter(connection, new MarkdownRenderer(), TimeProvider.System, tap);
        States[0] = Dump(Database.Path);
    }

    public BlogDatabase Database { get; }

    /// <summary>Every commit the tap handed on, in order.</summary>
    public List<CapturedTransaction> Captured { get; } = [];

    public List<CaptureFailed> Failures { get; } = [];

    /// <summary>What the database held after each revision: <see cref="Dump"/> of the live file.</summary>
    public Dictionary<long, string> States { get; } = [];

    public string Lineage => Captured[0].Lineage;

    private void Capture(object message)
    {
        if (message is CapturedTransaction tx) Captured.Add(tx);
        else if (message is CaptureFailed f) Failures.Add(f);
    }

    /// <summary>Applies one batch (one transaction) and records the state after it.</summary>
    public IReadOnlyList<WriteResult> Apply(params PostCommand[] batch)
    {
        var results = _writer.Apply(batch);
        States[_writer.Revision] = Dump(Database.Path);
        return results;
    }

    public Post Create(int bodyBytes = 40)
    {
        var n = ++_count;
        var body = new StringBuilder().Append($"Post number {n}. ").Append('x', bodyBytes).ToString();
        return ((PostSaved)Apply(new CreatePost(new PostInput($"Post {n}", null, body, ["t" + (n % 3)], "published")))[0]).Post;
    }

    public long Revision => _writer.Revision;

    public void Dispose() => _writer.Dispose();

    /// <summary>Everything a reader can see, as one string: posts, tags, old slugs, the revision.</summary>
    public static string Dump(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        var text = new StringBuilder();
        foreach (var sql in new[]
                 {
                     "SELECT id, slug, title, markdown, html, status, created_at, updated_at, published_at, version FROM posts ORDER BY id",
                     "SELECT post_id, tag, position FROM post_tags ORDER BY post_id, tag",
                     "SELECT slug, post_id FROM slug_history ORDER BY slug",
                     "SELECT value FROM meta WHERE key = 'revision'",
                 })
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++) text.Append(reader.IsDBNull(i) ? "∅" : reader.GetValue(i)).Append('|');
                text.Append('\n');
            }
            text.Append("--\n");
        }
        return text.ToString();
    }

    /// <summary>A real backup of the live database, through the same steps the scheduler runs.</summary>
    public async Task<BackupManifest> BackupAsync(BackupCatalog catalog, string tempDir, byte[]? key)
    {
        var at = DateTimeOffset.UtcNow;
        var prepared = await BackupJob.PrepareAsync(Database.Path, tempDir, catalog, BackupNaming.NewId(at), at, key, 3, CancellationToken.None);
        return await BackupJob.UploadAsync(catalog, prepared, verify: true, CancellationToken.None);
    }

    /// <summary>Ships captured commits as change objects, in batches of the given sizes (cycled).</summary>
    public async Task<List<ChangeKey>> ShipAsync(ChangeCatalog changes, byte[]? key, IEnumerable<CapturedTransaction> transactions, params int[] batchSizes)
    {
        var keys = new List<ChangeKey>();
        var list = transactions.ToList();
        for (int i = 0, b = 0; i < list.Count; b++)
        {
            var size = Math.Min(batchSizes[b % batchSizes.Length], list.Count - i);
            keys.Add(await changes.StoreAsync(list.GetRange(i, size), key, 3, verify: true, CancellationToken.None));
            i += size;
        }
        return keys;
    }

    public static (BackupCatalog Backups, ChangeCatalog Changes) Catalogs(string folder)
    {
        var target = new FileBackupTarget(folder);
        return (new BackupCatalog(target, ""), new ChangeCatalog(target, ""));
    }
}
