using System.Globalization;
using ActorBlog.Configuration;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace ActorBlog.Host;

/// <summary>
/// The one logging path: ASP.NET Core, request logs and Akka all go through this Serilog logger,
/// shaped by <c>actorblog.log</c>. The console is written from a background thread (Serilog's async
/// sink), so a slow terminal or log pipe never holds up a request; it is flushed at exit.
/// </summary>
public static class Logging
{
    /// <summary>The source of the request lines: <see cref="RequestLogging"/> alone decides which appear.</summary>
    private const string RequestSource = "Serilog.AspNetCore.RequestLoggingMiddleware";

    public static Serilog.ILogger CreateLogger(LogSettings settings)
    {
        var level = Level(settings.Level);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            // Framework chatter stays at warning even with level = debug; its start and stop lines stay at info.
            .MinimumLevel.Override("Microsoft.AspNetCore", Max(level, LogEventLevel.Warning))
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", Max(level, LogEventLevel.Information))
            .MinimumLevel.Override("System.Net.Http.HttpClient", Max(level, LogEventLevel.Warning))
            .MinimumLevel.Override(RequestSource, LogEventLevel.Information)
            .Enrich.FromLogContext();
        return configuration
            .WriteTo.Async(sink =>
            {
                if (settings.Format == LogFormat.Json)
                    sink.Console(new RenderedCompactJsonFormatter());
                else
                    sink.Console(
                        outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}",
                        formatProvider: CultureInfo.InvariantCulture);
            })
            .CreateLogger();
    }

    /// <summary>
    /// Akka's own logging, told the same level (it filters before Serilog sees anything), so every
    /// line has the format the operator chose (one logging path: Serilog). Akka's stdout logger, which
    /// prints in a format of its own before Serilog attaches, is silenced; the stand-in that Akka hands
    /// events the Serilog actor did not get to (still queued when it stops) writes through Serilog
    /// instead (<see cref="AkkaLeftoverLogger"/>: CI saw CoordinatedShutdown's INFO line in Akka's
    /// format at exit on a loaded machine). The longer start-up wait keeps Serilog from missing
    /// start-up on a busy machine. Akka.Hosting already runs the coordinated shutdown when the host
    /// stops (SIGTERM too); Akka's own process-exit hook only ran it a second time, after Serilog had gone.
    /// </summary>
    public static string AkkaHocon(LogSettings settings) => $"""
        akka.loglevel = {settings.Level switch
        {
            LogThreshold.Debug => "DEBUG",
            LogThreshold.Warning => "WARNING",
            LogThreshold.Error => "ERROR",
            _ => "INFO",
        }}
        akka.stdout-loglevel = OFF
        akka.stdout-logger-class = "{AkkaLeftoverLogger.TypeName}"
        akka.logger-startup-timeout = 30s
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        """;

    /// <summary>The level of one request's line, or null for none: <c>errors</c> keeps 4xx, 5xx and requests that threw.</summary>
    public static LogEventLevel? RequestLevel(RequestLogging requests, int status, bool threw) => (requests, status, threw) switch
    {
        (RequestLogging.Off, _, _) => null,
        (_, >= 500, _) or (_, _, true) => LogEventLevel.Error,
        (_, >= 400, _) => LogEventLevel.Warning,
        (RequestLogging.All, _, _) => LogEventLevel.Information,
        _ => null,
    };

    /// <summary>A level below every minimum: Serilog's middleware checks it before it builds the event.</summary>
    public const LogEventLevel Dropped = LogEventLevel.Verbose;

    private static LogEventLevel Level(LogThreshold level) => level switch
    {
        LogThreshold.Debug => LogEventLevel.Debug,
        LogThreshold.Warning => LogEventLevel.Warning,
        LogThreshold.Error => LogEventLevel.Error,
        _ => LogEventLevel.Information,
    };

    private static LogEventLevel Max(LogEventLevel a, LogEventLevel b) => a > b ? a : b;
}
