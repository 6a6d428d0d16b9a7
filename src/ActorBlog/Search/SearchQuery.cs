using System.Text;
using System.Text.RegularExpressions;

namespace ActorBlog.Search;

/// <summary>
/// Turns whatever a reader typed into an FTS5 query that cannot fail: only runs of letters and
/// digits survive (what the unicode61 tokenizer indexes), each one quoted, so FTS5 operators,
/// quotes, brackets, column filters and stray punctuation are never syntax. Text inside double
/// quotes stays a phrase; every word must appear (AND); the last word also matches as a prefix,
/// so "repl" finds "replication". Pure and tested alone.
/// </summary>
public static partial class SearchQuery
{
    public const int MaxTerms = 12;
    public const int MaxTermLength = 64;

    /// <summary>The MATCH expression, or null when the input has no word to look for.</summary>
    public static string? ToFts(string? input)
    {
        if (string.IsNullOrWhiteSpace(input)) return null;
        var groups = new List<List<string>>();
        var terms = 0;
        var segments = input.Split('"');
        for (var i = 0; i < segments.Length && terms < MaxTerms; i++)
        {
            var words = Word().Matches(segments[i]).Select(m => m.Value.Length > MaxTermLength ? m.Value[..MaxTermLength] : m.Value).ToList();
            if (words.Count == 0) continue;
            var inQuotes = i % 2 == 1 && i < segments.Length - 1;
            if (inQuotes)
            {
                groups.Add(words.Take(MaxTerms - terms).ToList());
                terms += Math.Min(words.Count, MaxTerms - terms);
            }
            else
            {
                foreach (var word in words.Take(MaxTerms - terms)) groups.Add([word]);
                terms = Math.Min(MaxTerms, terms + words.Count);
            }
        }
        if (groups.Count == 0) return null;

        var query = new StringBuilder();
        for (var g = 0; g < groups.Count; g++)
        {
            if (g > 0) query.Append(' ');
            // Words hold letters, digits and marks only, so no quote can end the string early.
            query.Append('"').Append(string.Join(' ', groups[g])).Append('"');
            if (g == groups.Count - 1 && groups[g].Count == 1) query.Append('*');
        }
        return query.ToString();
    }

    [GeneratedRegex(@"[\p{L}\p{N}\p{M}]+")]
    private static partial Regex Word();
}
