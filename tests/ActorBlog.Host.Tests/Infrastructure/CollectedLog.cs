using Serilog.Core;
using Serilog.Events;

namespace ActorBlog.Host.Tests.Infrastructure;

/// <summary>A Serilog logger whose events a test reads back (every level), for a host started with it.</summary>
public sealed class CollectedLog : ILogEventSink, IDisposable
{
    private readonly List<LogEvent> _events = [];
    private int _disposed;

    public CollectedLog() => Logger = new Serilog.LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();

    public Logger Logger { get; }

    public IReadOnlyList<LogEvent> Events
    {
        get
        {
            lock (_events) return [.. _events];
        }
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_events) _events.Add(logEvent);
    }

    /// <summary>Once: the logger disposes its sinks, this one among them, which would dispose the logger again, without end.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) Logger.Dispose();
    }
}
