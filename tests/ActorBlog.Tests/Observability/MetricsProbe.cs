using System.Diagnostics.Metrics;
using ActorBlog.Observability;

namespace ActorBlog.Tests.Observability;

/// <summary>
/// A <see cref="BlogMetrics"/> on a meter of its own, read through a real <see cref="MeterListener"/>
/// the way an exporter reads it: observable instruments when asked, histograms as they record.
/// </summary>
public sealed class MetricsProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, double> _last = new();
    private readonly Dictionary<string, List<double>> _recorded = new();
    private Meter? _meter;

    public MetricsProbe(TimeProvider? clock = null)
    {
        Metrics = new BlogMetrics(new Factory(m => _meter ??= m), clock ?? TimeProvider.System);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((i, v, _, _) => Record(i, v));
        _listener.SetMeasurementEventCallback<long>((i, v, _, _) => Record(i, v));
        _listener.Start();
    }

    public BlogMetrics Metrics { get; }

    /// <summary>What an observable instrument reports now.</summary>
    public double Observe(string name)
    {
        lock (_last)
        {
            _last.Remove(name);
        }
        _listener.RecordObservableInstruments();
        lock (_last)
        {
            return _last.TryGetValue(name, out var v) ? v : throw new InvalidOperationException($"{name} reported nothing");
        }
    }

    /// <summary>Every value a histogram recorded so far.</summary>
    public IReadOnlyList<double> Recorded(string name)
    {
        lock (_last) return _recorded.TryGetValue(name, out var list) ? list.ToList() : [];
    }

    private void Record(Instrument instrument, double value)
    {
        lock (_last)
        {
            _last[instrument.Name] = value;
            if (instrument is Histogram<double>)
            {
                if (!_recorded.TryGetValue(instrument.Name, out var list)) _recorded[instrument.Name] = list = [];
                list.Add(value);
            }
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        Metrics.Dispose();
    }

    private sealed class Factory(Func<Meter, Meter> remember) : IMeterFactory
    {
        public Meter Create(MeterOptions options) => remember(new Meter(options));

        public void Dispose()
        {
        }
    }
}
