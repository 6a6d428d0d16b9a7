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
    /// <summary>
    /// The one writer of blog.db; at shutdown (Kestrel already stopped) queued writes commit and the
    /// WAL folds in, then <paramref name="afterDrain"/> runs (replication ships what still waits).
    /// In sync mode each reply waits at <paramref name="gate"/> until its change is stored.
    /// </summary>
    public static AkkaConfigurationBuilder WithPostStore(this AkkaConfigurationBuilder akka, Func<PostWriter> openWriter,
        RevisionSignal revision, TimeSpan writeTimeout, ICommitGate? gate = null, Func<TimeSpan, Task>? afterDrain = null) =>
        akka.WithActors((system, registry) =>
        {
            var store = system.ActorOf(PostStore.Props(openWriter, revision, gate), "posts");
            registry.Register<PostStore>(store);
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "drain-post-store",
                async () =>
                {
                    await store.Ask<PostStore.Drained>(PostStore.Drain.Instance, writeTimeout + TimeSpan.FromSeconds(5));
                    if (afterDrain is not null) await afterDrain(writeTimeout);
                    return Akka.Done.Instance;
                });
        });

    /// <summary>
    /// The backup scheduler and its steps, exactly as <see cref="BackupActors"/> puts them together;
    /// <paramref name="started"/> hears of it (replication asks it for base backups).
    /// </summary>
    public static AkkaConfigurationBuilder WithBackups(this AkkaConfigurationBuilder akka, BackupWiring wiring, Action<IActorRef>? started = null) =>
        akka.WithActors((system, registry) =>
        {
            var scheduler = system.ActorOf(BackupActors.SupervisedScheduler(wiring), "backup");
            registry.Register<BackupScheduler>(scheduler);
            started?.Invoke(scheduler);
        });

    /// <summary>Continuous replication's supervised actor; add it before the store, whose writer opens with its tap.</summary>
    public static AkkaConfigurationBuilder WithReplication(this AkkaConfigurationBuilder akka, ReplicationWiring replication) =>
        akka.WithActors((system, _) => replication.Start(system));
}
