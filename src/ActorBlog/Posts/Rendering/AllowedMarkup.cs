namespace ActorBlog.Posts.Rendering;

/// <summary>
/// The HTML a post may carry without passing through HtmlSanitizer: the elements and attributes
/// Markdig writes for Markdown, each of which the sanitizer (as <see cref="MarkdownRenderer"/>
/// configures it) allows too, and addresses only to http, https, mailto or relative ones. No
/// script element, no on*= handler, no style, no javascript: or data: address can be in it.
/// <see cref="StrictHtml"/> checks a document against it; anything else goes to the sanitizer.
/// </summary>
public static class AllowedMarkup
{
    /// <summary>Elements that hold only phrasing content: the HTML parser nests these exactly as written.</summary>
    public static readonly IReadOnlySet<string> Phrasing = new HashSet<string>(StringComparer.Ordinal)
    {
        "a", "abbr", "br", "cite", "code", "del", "em", "img", "input", "ins", "mark", "span", "strong", "sub", "sup",
    };

    /// <summary>Blocks whose content is phrasing only (a block inside one would be moved by the parser).</summary>
    public static readonly IReadOnlySet<string> PhrasingBlocks = new HashSet<string>(StringComparer.Ordinal)
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
    };

    /// <summary>Blocks that may hold other blocks.</summary>
    public static readonly IReadOnlySet<string> FlowBlocks = new HashSet<string>(StringComparer.Ordinal)
    {
        "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure", "hr", "li", "ol", "table", "tbody", "td", "th", "thead", "tr", "ul",
    };

    /// <summary>Elements without an end tag.</summary>
    public static readonly IReadOnlySet<string> Void = new HashSet<string>(StringComparer.Ordinal) { "br", "hr", "img", "input" };

    /// <summary>Attributes any allowed element may carry (values are always quoted; addresses are checked).</summary>
    public static readonly IReadOnlySet<string> Attributes = new HashSet<string>(StringComparer.Ordinal)
    {
        "alt", "checked", "class", "colspan", "disabled", "href", "id", "rowspan", "src", "start", "title", "type",
    };

    /// <summary>Only on img: the page-sized copies of an uploaded image, which the renderer adds itself.</summary>
    public static readonly IReadOnlySet<string> ImageSizes = new HashSet<string>(StringComparer.Ordinal) { "srcset", "sizes" };

    /// <summary>Attributes that hold an address.</summary>
    public static readonly IReadOnlySet<string> Addresses = new HashSet<string>(StringComparer.Ordinal) { "href", "src" };

    /// <summary>The schemes a link or image may use; an address without a scheme is relative and allowed.</summary>
    public static readonly IReadOnlySet<string> Schemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "http", "https", "mailto" };

    /// <summary>
    /// Whether an address (as the browser reads it: entities decoded) may be a link or an image.
    /// Its scheme is what comes before the first colon unless a slash or # comes first, the rule
    /// HtmlSanitizer applies; stricter than a browser, which also ignores tabs and newlines inside
    /// a scheme ("java&amp;#9;script:"), so any whitespace, control character or character reference
    /// is refused outright, and so is an empty address.
    /// </summary>
    public static bool IsAllowedAddress(string address)
    {
        if (address.Length == 0) return false;
        foreach (var c in address)
            if (c <= ' ' || c == '\u007f' || char.IsWhiteSpace(c) || char.IsControl(c)) return false;
        if (address.Contains("&#", StringComparison.Ordinal)) return false;
        var colon = address.IndexOf(':');
        if (colon < 0) return true;
        var pathOrFragment = address.AsSpan(0, colon).IndexOfAny('/', '#');
        return pathOrFragment >= 0 || Schemes.Contains(address[..colon]);
    }

    /// <summary>A srcset: comma-separated candidates, each an allowed address and an optional width or density.</summary>
    public static bool IsAllowedSourceSet(string srcset)
    {
        foreach (var candidate in srcset.Split(','))
        {
            var parts = candidate.Trim().Split(' ');
            if (parts.Length is 0 or > 2 || !IsAllowedAddress(parts[0])) return false;
        }
        return true;
    }
}
