using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorBlog.Host.Tests.Infrastructure;

/// <summary>
/// A strict reader of the Prometheus text exposition format (0.0.4): every line must be a comment,
/// a # HELP/# TYPE line or a sample; every sample must belong to a family declared by a # TYPE line
/// before it (histograms by their _bucket, _sum and _count); a histogram's buckets must be cumulative
/// and end in +Inf equal to _count. Anything else throws, so a test that parses a scrape also proves it valid.
/// </summary>
public sealed partial class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    private readonly Dictionary<string, string> _types = new();
    private readonly List<Sample> _samples = [];

    private PrometheusText()
    {
    }

    public IReadOnlyDictionary<string, string> Types => _types;

    public IReadOnlyList<Sample> Samples => _samples;

    public static PrometheusText Parse(string text)
    {
        var parsed = new PrometheusText();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                parsed.Comment(line);
                continue;
            }
            var m = SampleLine().Match(line);
            if (!m.Success) throw new FormatException($"not a sample line: {line}");
            var labels = new Dictionary<string, string>();
            foreach (Match l in Label().Matches(m.Groups["labels"].Value)) labels[l.Groups[1].Value] = Regex.Unescape(l.Groups[2].Value);
            var name = m.Groups["name"].Value;
            if (parsed.FamilyOf(name) is null) throw new FormatException($"sample before (or without) its # TYPE line: {line}");
            parsed._samples.Add(new Sample(name, labels, ParseValue(m.Groups["value"].Value)));
        }
        parsed.CheckHistograms();
        return parsed;
    }

    /// <summary>The sum over every series of one sample name (e.g. all label sets of <c>x_total</c>).</summary>
    public double Value(string sampleName)
    {
        var matching = _samples.Where(s => s.Name == sampleName).ToList();
        if (matching.Count == 0) throw new KeyNotFoundException($"no sample named {sampleName}");
        return matching.Sum(s => s.Value);
    }

    private void Comment(string line)
    {
        var type = TypeLine().Match(line);
        if (type.Success)
        {
            if (!_types.TryAdd(type.Groups[1].Value, type.Groups[2].Value)) throw new FormatException($"family declared twice: {line}");
            return;
        }
        if (line.StartsWith("# HELP ", StringComparison.Ordinal) && !HelpLine().IsMatch(line)) throw new FormatException($"bad HELP line: {line}");
    }

    private string? FamilyOf(string sampleName)
    {
        if (_types.ContainsKey(sampleName)) return sampleName;
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal) && _types.TryGetValue(sampleName[..^suffix.Length], out var t) && t == "histogram")
                return sampleName[..^suffix.Length];
        return null;
    }

    private void CheckHistograms()
    {
        foreach (var family in _types.Where(t => t.Value == "histogram").Select(t => t.Key))
        {
            var series = _samples.Where(s => s.Name == family + "_bucket")
                .GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")));
            foreach (var buckets in series)
            {
                var ordered = buckets.OrderBy(b => ParseValue(b.Labels["le"])).ToList();
                for (var i = 1; i < ordered.Count; i++)
                    if (ordered[i].Value < ordered[i - 1].Value) throw new FormatException($"{family}: buckets are not cumulative ({buckets.Key})");
                if (ordered[^1].Labels["le"] != "+Inf") throw new FormatException($"{family}: no +Inf bucket ({buckets.Key})");
                var count = _samples.Single(s => s.Name == family + "_count" && SameSeries(s, ordered[^1]));
                if (count.Value != ordered[^1].Value) throw new FormatException($"{family}: +Inf bucket is not _count ({buckets.Key})");
            }
        }
    }

    private static bool SameSeries(Sample a, Sample bucket) =>
        a.Labels.Count == bucket.Labels.Count - 1 && a.Labels.All(l => bucket.Labels.TryGetValue(l.Key, out var v) && v == l.Value);

    private static double ParseValue(string raw) => raw switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>(?:[a-zA-Z_][a-zA-Z0-9_]*=""(?:[^""\\\n]|\\.)*"",?)*)\})? (?<value>[-+]?(?:[0-9.eE+-]+|Inf|NaN))(?: -?[0-9]+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\\n]|\\.)*)""")]
    private static partial Regex Label();

    [GeneratedRegex(@"^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$")]
    private static partial Regex HelpLine();
}
