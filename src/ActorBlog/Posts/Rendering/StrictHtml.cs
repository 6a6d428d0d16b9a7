using System.Buffers;
using System.Globalization;
using System.Text;

namespace ActorBlog.Posts.Rendering;

/// <summary>
/// Reads HTML written in a strict form, the one Markdig and AngleSharp's serializer write:
/// lower-case tags from <see cref="AllowedMarkup"/>, each closed in order, attributes from its
/// lists with double-quoted values and allowed addresses, text with every &amp;, &lt; and &gt;
/// escaped, and elements nested only where the HTML parser keeps them as written (no block in a
/// paragraph, rows only in tables, items only in lists). Such HTML means the same to a browser as
/// to this reader, so what passes here is safe as it stands and its text is what a DOM would
/// give. Anything else, however harmless, is refused: the caller then takes the slow road
/// (HtmlSanitizer, AngleSharp). One pass, no allocation but the text.
/// </summary>
public sealed class StrictHtml
{
    /// <summary>What the reader knows of an element: how it nests, and whether the text puts a space around it.</summary>
    private sealed record Element(string Name, bool Phrasing, bool HoldsPhrasingOnly, bool HoldsElementsOnly, bool Void, bool Block, string[]? Parents);

    /// <summary>By their spelling in the HTML, so reading a tag allocates nothing.</summary>
    private readonly Dictionary<string, Element>.AlternateLookup<ReadOnlySpan<char>> _elements;

    /// <param name="blocks">The elements the text separates by a space.</param>
    public StrictHtml(IReadOnlySet<string> blocks)
    {
        var elements = new Dictionary<string, Element>(StringComparer.Ordinal);
        foreach (var name in AllowedMarkup.Phrasing.Concat(AllowedMarkup.PhrasingBlocks).Concat(AllowedMarkup.FlowBlocks))
        {
            elements[name] = new Element(name,
                Phrasing: AllowedMarkup.Phrasing.Contains(name),
                HoldsPhrasingOnly: AllowedMarkup.Phrasing.Contains(name) || AllowedMarkup.PhrasingBlocks.Contains(name),
                HoldsElementsOnly: name is "table" or "thead" or "tbody" or "tr" or "ul" or "ol" or "dl",
                Void: AllowedMarkup.Void.Contains(name),
                Block: blocks.Contains(name),
                Parents: name switch
                {
                    "li" => ["ul", "ol"],
                    "dt" or "dd" => ["dl"],
                    "thead" or "tbody" => ["table"],
                    "tr" => ["thead", "tbody"],
                    "th" or "td" => ["tr"],
                    "figcaption" => ["figure"],
                    _ => null,
                });
        }
        _elements = elements.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>
    /// Appends the text of <paramref name="html"/> to <paramref name="text"/>, a space around each
    /// block; false (with <paramref name="text"/> in any state) when the HTML is not in the strict form.
    /// </summary>
    public bool TryReadText(string html, StringBuilder text)
    {
        var open = new List<Element>(16);
        var links = 0;
        var i = 0;
        while (i < html.Length)
        {
            var run = html.AsSpan(i);
            var special = run.IndexOfAny(Specials);
            if (special != 0)
            {
                if (special > 0) run = run[..special];
                // Tables, their row groups and rows, and lists hold elements only (whitespace aside): the parser moves other text.
                if (open.Count > 0 && open[^1].HoldsElementsOnly && !run.IsWhiteSpace()) return false;
                text.Append(run);
                i += run.Length;
                continue;
            }
            switch (html[i])
            {
                case '<':
                    if (ReadTag(html, ref i, open, ref links) is not { } element) return false;
                    if (element.Block) text.Append(' ');
                    break;
                case '&':
                    if (!ReadReference(html, ref i, text)) return false;
                    if (open.Count > 0 && open[^1].HoldsElementsOnly && !char.IsWhiteSpace(text[^1])) return false;
                    break;
                default: // '>' unescaped, or NUL, which the parser drops
                    return false;
            }
        }
        return open.Count == 0;
    }

    private static readonly SearchValues<char> Specials = SearchValues.Create("<&>\0");

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> AttributeNames =
        new HashSet<string>(AllowedMarkup.Attributes.Concat(AllowedMarkup.ImageSizes), StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>A start or end tag: the element it opens or closes, or null when the tag is outside the strict form.</summary>
    private Element? ReadTag(string html, ref int i, List<Element> open, ref int links)
    {
        var closing = i + 1 < html.Length && html[i + 1] == '/';
        var start = i + (closing ? 2 : 1);
        var end = start;
        while (end < html.Length && html[end] is (>= 'a' and <= 'z') or (>= '0' and <= '9')) end++;
        if (!_elements.TryGetValue(html.AsSpan(start, end - start), out var element)) return null;
        var name = element.Name;

        if (closing)
        {
            if (end >= html.Length || html[end] != '>' || open.Count == 0 || open[^1] != element) return null;
            open.RemoveAt(open.Count - 1);
            if (name == "a") links--;
            i = end + 1;
            return element;
        }

        if (!MayOpen(element, open.Count > 0 ? open[^1] : null, links)) return null;
        i = end;
        while (true)
        {
            if (i >= html.Length) return null;
            if (html[i] == '>')
            {
                i++;
                break;
            }
            // " />" ends a void element only; on any other element the parser ignores the slash and leaves it open.
            if (html[i] == '/' || html.AsSpan(i).StartsWith(" />"))
            {
                var slash = html[i] == '/' ? i : i + 1;
                if (!element.Void || slash + 1 >= html.Length || html[slash + 1] != '>') return null;
                i = slash + 2;
                break;
            }
            if (html[i] != ' ' || !ReadAttribute(html, ref i, name)) return null;
        }

        if (!element.Void)
        {
            open.Add(element);
            if (name == "a") links++;
        }
        return element;
    }

    /// <summary>Where an element may open so that the parser keeps it there.</summary>
    private static bool MayOpen(Element element, Element? parent, int links)
    {
        if (parent is { HoldsPhrasingOnly: true } && !element.Phrasing) return false;
        if (element.Name == "a" && links > 0) return false;
        return element.Parents is { } parents ? parent is not null && parents.Contains(parent.Name) : parent is not { HoldsElementsOnly: true };
    }

    /// <summary>
    /// One ` name="value"`: an allowed attribute, its value decoded and checked where it holds an
    /// address (every occurrence, so a repeated attribute cannot slip one past).
    /// </summary>
    private static bool ReadAttribute(string html, ref int i, string element)
    {
        var start = i + 1;
        var end = start;
        while (end < html.Length && html[end] is (>= 'a' and <= 'z') or '-') end++;
        if (!AttributeNames.TryGetValue(html.AsSpan(start, end - start), out var name)) return false;
        var allowed = AllowedMarkup.Attributes.Contains(name) || (element == "img" && AllowedMarkup.ImageSizes.Contains(name));
        if (!allowed || !html.AsSpan(end).StartsWith("=\"")) return false;
        var valueStart = end + 2;
        var valueEnd = html.IndexOf('"', valueStart);
        if (valueEnd < 0) return false;
        i = valueEnd + 1;
        if (!AllowedMarkup.Addresses.Contains(name) && name != "srcset") return true;

        var value = Decoded(html, valueStart, valueEnd);
        return value is not null && (name == "srcset" ? AllowedMarkup.IsAllowedSourceSet(value) : AllowedMarkup.IsAllowedAddress(value));
    }

    /// <summary>An attribute's value as the browser reads it, or null for a reference this reader does not know.</summary>
    private static string? Decoded(string html, int start, int end)
    {
        if (html.AsSpan(start, end - start).IndexOf('&') < 0) return html[start..end];
        var value = new StringBuilder(end - start);
        for (var j = start; j < end;)
        {
            if (html[j] != '&') value.Append(html[j++]);
            else if (!ReadReference(html, ref j, value) || j > end) return null;
        }
        return value.ToString();
    }

    /// <summary>A character reference the writers use (&amp;amp; &amp;lt; &amp;gt; &amp;quot; &amp;nbsp; or numeric), appended decoded.</summary>
    private static bool ReadReference(string html, ref int i, StringBuilder text)
    {
        var semicolon = html.IndexOf(';', i + 1, Math.Min(12, html.Length - i - 1));
        if (semicolon < 0) return false;
        var body = html.AsSpan(i + 1, semicolon - i - 1);
        switch (body)
        {
            case "amp": text.Append('&'); break;
            case "lt": text.Append('<'); break;
            case "gt": text.Append('>'); break;
            case "quot": text.Append('"'); break;
            case "nbsp": text.Append('\u00a0'); break;
            default:
                if (body.Length < 2 || body[0] != '#') return false;
                var hex = body[1] is 'x' or 'X';
                var digits = body[(hex ? 2 : 1)..];
                if (digits.Length == 0 || !int.TryParse(digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var code))
                    return false;
                // Only what decodes to itself everywhere: no NUL, no surrogate halves, nothing past Unicode.
                if (code is 0 or (>= 0xD800 and <= 0xDFFF) or > 0x10FFFF || (code < 0x20 && code is not ('\t' or '\n' or '\r')) || code is >= 0x7F and <= 0x9F)
                    return false;
                text.Append(char.ConvertFromUtf32(code));
                break;
        }
        i = semicolon + 1;
        return true;
    }
}
