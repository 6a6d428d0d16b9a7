using System.Text.RegularExpressions;
using ActorBlog.Media;
using AngleSharp.Html.Dom;
using ActorBlog.Posts.Rendering;
using Ganss.Xss;
using Markdig;

namespace ActorBlog.Posts;

/// <summary>
/// HTML rendered and sanitized by <see cref="MarkdownRenderer"/>, and only by it: the constructor
/// is internal, so no caller can hand the store HTML of its own.
/// </summary>
public sealed class RenderedMarkdown
{
    internal RenderedMarkdown(string markdown, string html)
    {
        Markdown = markdown;
        Html = html;
        Text = PlainText.FromHtml(html);
    }

    public string Markdown { get; }

    public string Html { get; }

    /// <summary>The words of <see cref="Html"/>, for the search index: extracted here, off the single writer.</summary>
    public string Text { get; }
}

/// <summary>
/// Markdown to HTML that cannot carry script. Markdig renders (raw HTML allowed, as authors
/// expect), code blocks highlighted and table alignment as classes; HtmlSanitizer then removes
/// script, event handlers, non-http(s) links and style attributes (the readers' CSP refuses
/// inline style anyway). Runs once at write time, so readers are served stored HTML.
/// </summary>
public sealed partial class MarkdownRenderer
{
    private readonly MarkdownPipeline _pipeline = new MarkdownPipelineBuilder()
        .UseAdvancedExtensions()
        .UseAlignmentClasses()
        .Use<HighlightedCodeBlocks>()
        .Build();

    private readonly HtmlSanitizer _sanitizer = CreateSanitizer();

    public string Render(string markdown) => _sanitizer.Sanitize(Markdown.ToHtml(markdown, _pipeline));

    /// <summary>
    /// Renders ahead of the write, on the caller's thread, so the single writer only commits.
    /// Thread-safe: Markdig pipelines and a configured HtmlSanitizer may be shared.
    /// </summary>
    public RenderedMarkdown Prepare(string markdown) => new(markdown, Render(markdown));

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.Add("http");
        sanitizer.AllowedSchemes.Add("https");
        sanitizer.AllowedSchemes.Add("mailto");
        // Markdig's advanced extensions put ids and classes on headings, tables and code.
        sanitizer.AllowedAttributes.Add("class");
        sanitizer.AllowedAttributes.Add("id");
        // Under the readers' Content-Security-Policy an inline style only raises a console error.
        sanitizer.AllowedAttributes.Remove("style");
        sanitizer.PostProcessNode += (_, e) => { if (e.Node is IHtmlImageElement image) OfferPageSizes(image); };
        return sanitizer;
    }

    /// <summary>
    /// An image uploaded to the blog gets a srcset of its page-sized copies, so a phone loads the
    /// 640 px copy instead of a 5 MB original. Added after sanitizing, from our own URL pattern only.
    /// </summary>
    private static void OfferPageSizes(IHtmlImageElement image)
    {
        if (image.GetAttribute("src") is not { } src || UploadedImage().Match(src) is not { Success: true } m) return;
        var id = long.Parse(m.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
        var name = m.Groups[2].Value;
        image.SetAttribute("srcset", string.Join(", ", MediaUrls.VariantWidths.Select(w => $"{MediaUrls.Variant(id, w, name)} {w}w")));
        image.SetAttribute("sizes", "(max-width: 42rem) 100vw, 40rem");
    }

    [GeneratedRegex(@"^/media/([0-9]{1,18})/([a-z0-9-]+\.[a-z0-9]+)$")]
    private static partial Regex UploadedImage();
}
