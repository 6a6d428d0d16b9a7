using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorBlog.Configuration;

/// <summary>
/// The keys under <c>actorblog</c> that the shipped defaults document: every one of them is known,
/// and nothing else is, so a misspelt key stops start-up instead of being ignored. A key whose
/// default is an empty object (<c>{}</c>) is a free-form map: any key beneath it is accepted.
/// <c>akka.*</c> is Akka's own and is not checked here.
/// </summary>
public sealed class KnownKeys
{
    public const string Root = "actorblog";
    private static readonly string[] TopLevel = [Root, "akka"];

    private readonly HashSet<string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _groups = new(StringComparer.Ordinal);
    private readonly HashSet<string> _maps = new(StringComparer.Ordinal);

    public KnownKeys(Config defaults)
    {
        foreach (var (path, value) in Leaves(defaults, Root))
        {
            if (value.IsObject()) _maps.Add(path);
            else _values.Add(path);
        }
        foreach (var path in _values.Concat(_maps))
            for (var dot = path.LastIndexOf('.'); dot > 0; dot = path.LastIndexOf('.', dot - 1))
                _groups.Add(path[..dot]);
    }

    /// <summary>Throws a <see cref="SettingsException"/> for the first key of <paramref name="config"/> that is not known.</summary>
    /// <param name="source">Where the keys come from, for the message (a file name).</param>
    public void Check(Config config, string source)
    {
        if (config.Root is not { } root || !root.IsObject()) return;
        foreach (var top in root.GetObject().Items.Keys)
        {
            if (!TopLevel.Contains(top, StringComparer.Ordinal))
                throw new SettingsException(top, $"unknown key in {source}; did you mean {Nearest(top, TopLevel)}?");
        }
        foreach (var (path, value) in Leaves(config, Root))
        {
            if (_values.Contains(path) || _maps.Contains(path) || UnderAMap(path)) continue;
            if (_groups.Contains(path) && value.IsObject()) continue; // an empty group: nothing set
            if (_groups.Contains(path))
                throw new SettingsException(path, $"is a group of settings ({path}.*), not a value (in {source})");
            throw new SettingsException(path, $"unknown key in {source}; did you mean {Nearest(path, _values.Concat(_maps))}?");
        }
    }

    private bool UnderAMap(string path)
    {
        for (var dot = path.LastIndexOf('.'); dot > 0; dot = path.LastIndexOf('.', dot - 1))
            if (_maps.Contains(path[..dot])) return true;
        return false;
    }

    /// <summary>Every value under <paramref name="root"/>, by its full path; an empty object counts as a value.</summary>
    private static IEnumerable<(string Path, HoconValue Value)> Leaves(Config config, string root)
    {
        if (config.Root is not { } top || !top.IsObject() || !top.GetObject().Items.TryGetValue(root, out var start))
            yield break;
        var pending = new Stack<(string, HoconValue)>([(root, start)]);
        while (pending.Count > 0)
        {
            var (path, value) = pending.Pop();
            if (value.IsObject() && value.GetObject().Items.Count > 0)
            {
                foreach (var (key, child) in value.GetObject().Items) pending.Push(($"{path}.{key}", child));
            }
            else if (path != root)
            {
                yield return (path, value);
            }
            else if (!value.IsObject())
            {
                throw new SettingsException(root, "must be an object: actorblog { ... }");
            }
        }
    }

    /// <summary>The candidate closest to <paramref name="key"/> by edit distance over its last segment, then over the whole path.</summary>
    private static string Nearest(string key, IEnumerable<string> candidates) =>
        candidates
            .OrderBy(c => Distance(LastSegment(key), LastSegment(c)) + Distance(key, c) / 4.0)
            .ThenBy(c => c, StringComparer.Ordinal)
            .First();

    private static string LastSegment(string path) => path[(path.LastIndexOf('.') + 1)..];

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
