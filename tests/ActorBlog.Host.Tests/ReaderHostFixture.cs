using ActorBlog.Configuration;
using ActorBlog.Host.Web;
using ActorBlog.Posts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorBlog.Host.Tests;

/// <summary>
/// A real Kestrel host on loopback serving only the reader pages, over a real SQLite file in a
/// temp directory. Posts are written with <see cref="PostWriter"/> directly (no actors), on a
/// clock that moves one minute per write so publication order is certain.
/// </summary>
public sealed class ReaderHostFixture : IAsyncLifetime
{
    public const int PageSize = 3;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "actorblog-pages-" + Guid.NewGuid().ToString("N"));
    private readonly Lock _writeLock = new();
    private WebApplication? _app;
    private PostWriter? _writer;

    public HttpClient Client { get; private set; } = null!;
    public PostReader Reader { get; private set; } = null!;
    public BlogSettings Settings { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Settings = new BlogSettings
        {
            DataDir = _directory,
            DatabasePath = Path.Combine(_directory, "blog.db"),
            JournalPath = Path.Combine(_directory, "journal.db"),
            Urls = "http://127.0.0.1:0",
            Title = "Test <Blog> & Co",
            BaseUrl = new Uri("https://blog.example.org/"),
            PageSize = PageSize,
            WriteTimeout = TimeSpan.FromSeconds(5),
            BusyTimeout = TimeSpan.FromSeconds(5),
        };
        var database = new BlogDatabase(Settings.DatabasePath, Settings.BusyTimeout);
        database.Migrate();
        _writer = new PostWriter(database.OpenWriter(), new MarkdownRenderer(), new SteppingClock());
        Reader = new PostReader(database);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // The host's name finds its static web assets manifest (the build copies it beside the tests);
            // its content root holds wwwroot, as under `dotnet run --project src/ActorBlog.Host`.
            ApplicationName = "ActorBlog.Host",
            ContentRootPath = HostProjectDirectory(),
            EnvironmentName = "Production",
        });
        builder.WebHost.UseUrls(Settings.Urls);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(Reader);
        builder.Services.AddSingleton(Settings);

        _app = builder.Build();
        _app.MapStaticAssets();
        _app.MapReaderPages();
        await _app.StartAsync();

        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        _writer?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless; never fail a run over it.
        }
    }

    /// <summary>Writes a new post; <paramref name="slug"/> defaults to a unique one so tests never collide.</summary>
    public Post Create(string title, string markdown = "Some *text*.", IReadOnlyList<string>? tags = null, string status = "published", string? slug = null) =>
        Saved(Apply(new CreatePost(new PostInput(title, slug ?? UniqueSlug(), markdown, tags ?? [], status))));

    public Post Update(Post post, PostInput input) => Saved(Apply(new UpdatePost(post.Id, post.Version, input)));

    public void Delete(long id) => Assert.IsType<PostDeleted>(Apply(new DeletePost(id)));

    public static string UniqueSlug() => "p-" + Guid.NewGuid().ToString("N")[..12];

    public static string UniqueTag() => "t-" + Guid.NewGuid().ToString("N")[..12];

    private WriteResult Apply(PostCommand command)
    {
        lock (_writeLock) return _writer!.Apply([command]).Single();
    }

    private static Post Saved(WriteResult result) => Assert.IsType<PostSaved>(result).Post;

    private static string HostProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "ActorBlog.Host");
            if (File.Exists(Path.Combine(candidate, "ActorBlog.Host.csproj"))) return candidate;
        }
        throw new InvalidOperationException("src/ActorBlog.Host not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Each reading of the clock is one minute after the last.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private long _minutes;

        public override DateTimeOffset GetUtcNow() =>
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Interlocked.Increment(ref _minutes));
    }
}
