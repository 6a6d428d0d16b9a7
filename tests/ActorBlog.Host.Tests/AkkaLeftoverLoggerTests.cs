using Akka.Actor;
using Akka.Event;
using ActorBlog.Configuration;
using Serilog.Core;
using Serilog.Events;

namespace ActorBlog.Host.Tests;

/// <summary>
/// The log events Akka could not hand to its Serilog actor (still queued when the actor system stops
/// it) go to the stand-in logger the host configures, which writes them through Serilog in the
/// operator's format instead of printing Akka's own on stdout.
/// </summary>
public sealed class AkkaLeftoverLoggerTests
{
    private sealed class Collected : ILogEventSink
    {
        public List<Serilog.Events.LogEvent> Events { get; } = [];

        public void Emit(Serilog.Events.LogEvent logEvent)
        {
            lock (Events) Events.Add(logEvent);
        }
    }

    [Fact]
    public async Task The_host_hocon_makes_it_the_actor_systems_stand_in_logger()
    {
        var config = Akka.Configuration.ConfigurationFactory.ParseString(
            Logging.AkkaHocon(LogSettings.Default));
        var system = ActorSystem.Create("leftover", config);
        try
        {
            Assert.IsType<AkkaLeftoverLogger>(system.Settings.StdoutLogger);
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public void An_event_told_to_it_is_written_through_serilog_at_its_level_with_its_source_and_cause()
    {
        var sink = new Collected();
        using var serilog = new Serilog.LoggerConfiguration().MinimumLevel.Debug().WriteTo.Sink(sink).CreateLogger();
        var logger = new AkkaLeftoverLogger(() => serilog);
        var cause = new InvalidOperationException("boom");

        logger.Tell(new Info("CoordinatedShutdown (akka://actorblog)", typeof(CoordinatedShutdown), "CoordinatedShutdown invoked"));
        logger.Tell(new Error(cause, "store", typeof(AkkaLeftoverLoggerTests), "a write failed"));
        logger.Tell("not a log event");

        Assert.Collection(sink.Events,
            info =>
            {
                Assert.Equal(LogEventLevel.Information, info.Level);
                Assert.Equal("CoordinatedShutdown invoked", info.RenderMessage());
                Assert.Equal($"\"{typeof(CoordinatedShutdown).FullName}\"", info.Properties["SourceContext"].ToString());
            },
            error =>
            {
                Assert.Equal(LogEventLevel.Error, error.Level);
                Assert.Equal("a write failed", error.RenderMessage());
                Assert.Same(cause, error.Exception);
            });
    }
}
