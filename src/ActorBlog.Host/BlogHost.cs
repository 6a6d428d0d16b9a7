using ActorBlog.Backup;
using ActorBlog.Backup.Scheduling;
using ActorBlog.Host.Desk;
using ActorBlog.Host.Web;
using ActorBlog.Media;
using ActorBlog.Observability;
using ActorBlog.Posts;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Akka.Persistence.Sql.Hosting;
using LinqToDB;
using System.Diagnostics.Metrics;
using Serilog;

namespace ActorBlog.Host;

/// <summary>Composes the running blog: Kestrel, the actor system, the endpoints. Nothing else lives here.</summary>
public static class BlogHost
{
    private const string HeartbeatClient = "heartbeat";
    /// <summary>A dead-man's switch answers at once; a slow one must not hold a socket for long.</summary>
    private static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(10);

    public static WebApplication Build(BlogHostOptions options, Serilog.ILogger logger)
    {
        // Everything that can refuse to start does so before a file is created or a port opened.
        AuthorToken.CheckStrength(options.Secrets.AuthorToken);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // Static files ship beside the program; data paths resolve against the current directory instead.
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Services.AddSerilog(logger, dispose: false);
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = JsonBody.MaxBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });

        var database = PrepareFiles(options, logger);
        var catalog = BackupCatalogFactory.Create(options.Backup, options.Secrets,
            (key, e) => logger.Warning("Skipped unreadable backup manifest {Key}: {Error}", key, e.Message));

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(options.Blog);
        builder.Services.AddSingleton(options.Backup);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton(options.Media);
        builder.Services.AddSingleton(options.Desk);
        builder.Services.AddSingleton<PostReader>();
        builder.Services.AddSingleton<MediaReader>();
        builder.Services.AddSingleton(new ImageInspector(options.Media.MaxPixels));
        builder.Services.AddSingleton<ActorBlog.Search.PostSearch>();
        builder.Services.AddSingleton<PageCache>();
        builder.Services.AddSingleton(new FeedIdentity(FeedAuthority.Ensure(database, options.Blog.BaseUrl.Host)));
        var assets = StaticAssets.Load(Path.Combine(AppContext.BaseDirectory, "wwwroot"));
        builder.Services.AddSingleton(ReaderSite.Create(options.Blog, assets));
        var renderer = new MarkdownRenderer();
        builder.Services.AddSingleton(renderer);
        var revision = new RevisionSignal(new PostReader(database).Revision());
        builder.Services.AddSingleton(revision);
        var replication = new ReplicationWiring(options);
        builder.Services.AddSingleton(replication.Monitor);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(AuthorToken.Resolve(options.Secrets.AuthorToken, options.Blog.TokenPath, logger));
        builder.Services.AddSingleton<FailedAuthThrottle>();
        builder.Services.AddSingleton<BearerTokenFilter>();
        builder.Services.AddSingleton(services => new BlogMetrics(services.GetRequiredService<IMeterFactory>(), TimeProvider.System));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddBlogMeters());
        builder.Services.AddBlogHealthChecks();
        builder.Services.AddHttpClient(HeartbeatClient, client => client.Timeout = HeartbeatTimeout);
        builder.Services.AddDesk(options.Blog, options.Desk);
        builder.Services.AddProblemDetails();
        ClientAddress.Configure(builder.Services, options.Blog.TrustedProxies);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.MaxDepth = JsonBody.Options.MaxDepth);
        var backups = new BackupWiring(options.Backup, options.Secrets, database.Path);
        foreach (var warning in backups.Warnings) logger.Warning("Backups at risk: {Warning}", warning);
        builder.Services.AddAkka("actorblog", (akka, services) => ConfigureActors(akka, options, database, backups, renderer, revision, replication, services));

        var app = builder.Build();
        ClientAddress.Use(app, options.Blog.TrustedProxies);
        app.UseExceptionHandler();
        if (options.Log.Requests != Configuration.RequestLogging.Off)
            app.UseSerilogRequestLogging(requests => requests.GetLevel = (context, _, error) =>
                Logging.RequestLevel(options.Log.Requests, context.Response.StatusCode, error is not null) ?? Logging.Dropped);
        app.UseClientFaults();
        app.UseSecurityHeaders();
        app.UseCachedPages();
        // Explicitly here: a WebApplication otherwise matches routes first, before every middleware, so a
        // page answered from the cache would pay for route matching it never uses.
        app.UseRouting();
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealth();
        app.MapMetrics();
        app.MapMediaApi();
        app.MapMediaFiles();
        app.MapAuthorApi();
        app.MapBackupApi();
        app.MapDesk();
        assets.Map(app);
        app.MapReaderPages();
        return app;
    }

    /// <summary>Before anything serves: the database restored if asked and missing, migrated; the journal and staging folder sane.</summary>
    private static BlogDatabase PrepareFiles(BlogHostOptions options, Serilog.ILogger logger)
    {
        var database = new BlogDatabase(options.Blog.DatabasePath, options.Blog.BusyTimeout);
        RestoreAtBoot.Run(options, logger);
        database.Migrate();
        if (JournalFile.QuarantineIfUnreadable(options.Blog.JournalPath) is { } aside)
            logger.Warning("The backup scheduler's journal could not be read; moved it to {Aside} and starting the schedule afresh", aside);
        var swept = TempFiles.Sweep(options.Backup.TempDir);
        if (swept > 0) logger.Information("Removed {Count} staging file(s) an earlier run left in {TempDir}", swept, options.Backup.TempDir);
        return database;
    }

    private static void ConfigureActors(AkkaConfigurationBuilder akka, BlogHostOptions options, BlogDatabase database, BackupWiring backups,
        MarkdownRenderer renderer, RevisionSignal revision, ReplicationWiring replication, IServiceProvider services)
    {
        var metrics = services.GetRequiredService<BlogMetrics>();
        replication.Monitor.Published += (state, oldestWaiting) => metrics.Replication.Update(state.ShippedRevision ?? 0, oldestWaiting);
        // The scheduler's journal lives in its own file beside blog.db, never inside it.
        akka.WithSqlPersistence($"Data Source={options.Blog.JournalPath}", ProviderName.SQLiteMS)
            .AddHocon(options.Config, HoconAddMode.Prepend)
            .AddHocon(Logging.AkkaHocon(options.Log), HoconAddMode.Prepend)
            .ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLogger<SerilogLogger>();
            })
            // Replication's actor first: the store's writer opens with the tap that feeds it.
            .WithReplication(replication)
            .WithPostStore(() => replication.OpenWriter(database, renderer, TimeProvider.System), revision, options.Blog.WriteTimeout,
                replication.Gate, replication.FlushAsync, metrics)
            // Listeners before the scheduler: it publishes its recovered history as soon as it starts.
            .WithBackupListeners(metrics, options.Backup.HeartbeatUrl,
                () => services.GetRequiredService<IHttpClientFactory>().CreateClient(HeartbeatClient))
            .WithBackups(backups, replication.UseScheduler);
    }
}
