using ActorBlog.Backup.Retention;
using ActorBlog.Backup.Targets;
using ActorBlog.Configuration;
using ActorBlog.Posts;

namespace ActorBlog.Tests.Infrastructure;

/// <summary>A real blog database in a temp directory, written through the real PostWriter.</summary>
public sealed class TestBlog
{
    private readonly BlogDatabase _database;
    private int _count;

    public TestBlog(string directory)
    {
        _database = new BlogDatabase(Path.Combine(directory, "blog.db"), TimeSpan.FromSeconds(5));
        _database.Migrate();
    }

    public string DatabasePath => _database.Path;

    public BlogDatabase Database => _database;

    /// <summary>Adds published posts, each in its own committed transaction; returns their titles.</summary>
    public IReadOnlyList<string> AddPosts(int n, string body = "Some *markdown*.")
    {
        using var writer = new PostWriter(_database.OpenWriter(), new MarkdownRenderer(), TimeProvider.System);
        var titles = new List<string>();
        for (var i = 0; i < n; i++)
        {
            var title = $"Post {++_count}";
            writer.Apply([new CreatePost(new PostInput(title, null, body, ["test"], "published"))]);
            titles.Add(title);
        }
        return titles;
    }

    /// <summary>Backup settings over temp folders, with a tiny interval and backoff so virtual time stays short.</summary>
    public static BackupSettings Settings(string root, TimeSpan? interval = null) => new()
    {
        Enabled = true,
        Interval = interval ?? TimeSpan.FromHours(1),
        Target = BackupTargetKind.File,
        RestoreIfMissing = false,
        CompressionLevel = 3,
        VerifyAfterUpload = true,
        TempDir = Path.Combine(root, "tmp"),
        StepTimeout = TimeSpan.FromMinutes(30),
        FilePath = Path.Combine(root, "backups"),
        S3 = new S3TargetOptions(null, "us-east-1", "", "", false, null, null),
        Retention = new RetentionRules(24, 7, 4, 12),
        Supervision = new SupervisionSettings(10, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0),
        DrillInterval = null,
    };
}
