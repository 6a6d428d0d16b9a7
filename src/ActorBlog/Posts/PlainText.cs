using System.Text;
using ActorBlog.Posts.Rendering;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace ActorBlog.Posts;

/// <summary>
/// What a post's stored (already sanitized) HTML says in words: the text for the search index,
/// the excerpt (prose only: no code, no tables) on lists and in meta descriptions, the first image for link previews. Parsed
/// with AngleSharp, the parser HtmlSanitizer itself uses, so markup is read the way it was cleaned.
/// </summary>
public static class PlainText
{
    private static readonly HtmlParser Parser = new();

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "br", "li", "ul", "ol", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
        "table", "tr", "td", "th", "figure", "figcaption", "hr", "dt", "dd",
    };

    private static readonly StrictHtml Strict = new(Blocks);

    /// <summary>What an excerpt leaves out: code and tables read badly as a sentence.</summary>
    private static readonly HashSet<string> NotProse = new(StringComparer.OrdinalIgnoreCase) { "pre", "table", "figure" };

    /// <summary>The HTML's text, whitespace collapsed, blocks separated by a space.</summary>
    public static string FromHtml(string html) => FromStrictHtml(html) ?? FromParsedHtml(html);

    /// <summary>
    /// The same text, read in one pass when the HTML is in <see cref="StrictHtml"/>'s form (as
    /// the renderer writes it); null when it is not. A DOM would give the same words there.
    /// </summary>
    public static string? FromStrictHtml(string html)
    {
        var text = new StringBuilder(html.Length);
        return Strict.TryReadText(html, text) ? Collapse(text.ToString()) : null;
    }

    /// <summary>The same text through AngleSharp's DOM, for any HTML.</summary>
    internal static string FromParsedHtml(string html) => Text(html, proseOnly: false);

    private static string Text(string html, bool proseOnly)
    {
        var document = Parser.ParseDocument("<!DOCTYPE html><body>" + html);
        var text = new StringBuilder();
        Append(document.Body!, text, proseOnly);
        return Collapse(text.ToString());
    }

    /// <summary>
    /// The opening of the post's text, at most <paramref name="maxChars"/> characters, cut at a
    /// word and marked with an ellipsis when cut. Empty for a post of no words (an image alone).
    /// </summary>
    public static string Excerpt(string html, int maxChars = 280)
    {
        var text = Text(html, proseOnly: true);
        if (text.Length <= maxChars) return text;
        var cut = text.LastIndexOf(' ', maxChars - 1);
        if (cut < maxChars / 2) cut = maxChars - 1;
        return text[..cut].TrimEnd(' ', ',', ';', ':', '.', '-') + "…";
    }

    /// <summary>The first image's address as written (possibly relative), or null.</summary>
    public static string? FirstImage(string html)
    {
        if (!html.Contains("<img", StringComparison.OrdinalIgnoreCase)) return null;
        var document = Parser.ParseDocument("<!DOCTYPE html><body>" + html);
        return document.Body!.QuerySelector("img[src]")?.GetAttribute("src");
    }

    private static void Append(INode node, StringBuilder text, bool proseOnly)
    {
        foreach (var child in node.ChildNodes)
        {
            if (child is IText t) text.Append(t.Data);
            else if (child is IElement e && !(proseOnly && NotProse.Contains(e.LocalName)))
            {
                var block = Blocks.Contains(e.LocalName);
                if (block) text.Append(' ');
                Append(e, text, proseOnly);
                if (block) text.Append(' ');
            }
        }
    }

    /// <summary>Runs of whitespace become one space; none at either end.</summary>
    private static string Collapse(string s)
    {
        var result = new StringBuilder(s.Length);
        var rest = s.AsSpan().TrimStart();
        while (!rest.IsEmpty)
        {
            var space = rest.IndexOfAny(Whitespace);
            if (space < 0)
            {
                result.Append(rest);
                break;
            }
            result.Append(rest[..space]);
            rest = rest[space..].TrimStart();
            if (!rest.IsEmpty) result.Append(' ');
        }
        return result.ToString();
    }

    /// <summary>What char.IsWhiteSpace calls whitespace (TrimStart agrees).</summary>
    private static readonly System.Buffers.SearchValues<char> Whitespace = System.Buffers.SearchValues.Create(
        "\t\n\u000B\u000C\r \u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000");
}
