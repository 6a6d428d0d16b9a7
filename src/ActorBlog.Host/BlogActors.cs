using ActorBlog.Backup;
using ActorBlog.Backup.Scheduling;
using ActorBlog.Posts;
using Akka.Actor;
using Akka.Hosting;

namespace ActorBlog.Host;

/// <summary>
/// The blog's actors as Akka.Hosting extensions, in the style of <c>WithRemoting</c>: each adds
/// its actors, registers them for <c>IRequiredActor&lt;T&gt;</c>, and returns the builder.
/// </summary>
public static class BlogActors
{
    /// <summary>The one writer of blog.db; at shutdown (Kestrel already stopped) queued writes commit and the WAL folds in.</summary>
    public static AkkaConfigurationBuilder WithPostStore(this AkkaConfigurationBuilder akka, Func<PostWriter> openWriter,
        RevisionSignal revision, TimeSpan writeTimeout) =>
        akka.WithActors((system, registry) =>
        {
            var store = system.ActorOf(PostStore.Props(openWriter, revision), "posts");
            registry.Register<PostStore>(store);
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "drain-post-store",
                async () =>
                {
                    await store.Ask<PostStore.Drained>(PostStore.Drain.Instance, writeTimeout + TimeSpan.FromSeconds(5));
                    return Akka.Done.Instance;
                });
        });

    /// <summary>The backup scheduler and its steps, exactly as <see cref="BackupActors"/> puts them together.</summary>
    public static AkkaConfigurationBuilder WithBackups(this AkkaConfigurationBuilder akka, BackupWiring wiring) =>
        akka.WithActors((system, registry) =>
            registry.Register<BackupScheduler>(system.ActorOf(BackupActors.SupervisedScheduler(wiring), "backup")));
}
