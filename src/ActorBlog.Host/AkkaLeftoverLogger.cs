using Akka.Event;
using Serilog.Events;

namespace ActorBlog.Host;

/// <summary>
/// Akka's stand-in logger (<c>akka.stdout-logger-class</c>), writing through Serilog like every
/// other line. Akka hands it the log events its real logger did not get to: when the actor system
/// stops its Serilog logger with events still queued (the logger mailbox's clean-up tells each one
/// to the stand-in directly, whatever <c>stdout-loglevel</c> says), and the few events of start-up
/// and serialization set-up that go to it by name. Akka's own stand-in prints those on stdout in a
/// format of its own; on a busy machine that was CoordinatedShutdown's "invoked due to" line at
/// every few stops.
/// </summary>
public sealed class AkkaLeftoverLogger : MinimalLogger
{
    private readonly Func<Serilog.ILogger> _logger;

    /// <summary>What Akka creates from the setting: the process's Serilog logger, as the Serilog actor uses.</summary>
    public AkkaLeftoverLogger() : this(() => Serilog.Log.Logger) { }

    /// <summary>Writes through whichever logger <paramref name="logger"/> returns at each event (tests hand in their own).</summary>
    public AkkaLeftoverLogger(Func<Serilog.ILogger> logger) => _logger = logger;

    /// <summary>The value of <c>akka.stdout-logger-class</c> that selects this logger.</summary>
    public static string TypeName => $"{typeof(AkkaLeftoverLogger).FullName}, {typeof(AkkaLeftoverLogger).Assembly.GetName().Name}";

    protected override void Log(object message)
    {
        if (message is not Akka.Event.LogEvent e) return; // only log events reach a logger; anything else has nothing to say
        _logger()
            .ForContext(Serilog.Core.Constants.SourceContextPropertyName, e.LogClass?.FullName ?? e.LogSource)
            .Write(Level(e.LogLevel()), e.Cause, "{Message:l}", e.Message?.ToString() ?? "");
    }

    private static LogEventLevel Level(Akka.Event.LogLevel level) => level switch
    {
        Akka.Event.LogLevel.DebugLevel => LogEventLevel.Debug,
        Akka.Event.LogLevel.InfoLevel => LogEventLevel.Information,
        Akka.Event.LogLevel.WarningLevel => LogEventLevel.Warning,
        _ => LogEventLevel.Error,
    };
}
