using System.Text.RegularExpressions;
using ActorBlog.Media;
using AngleSharp.Html.Dom;
using ActorBlog.Posts.Rendering;
using Ganss.Xss;
using Markdig;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace ActorBlog.Posts;

/// <summary>
/// HTML rendered and sanitized by <see cref="MarkdownRenderer"/>, and only by it: the constructor
/// is internal, so no caller can hand the store HTML of its own.
/// </summary>
public sealed class RenderedMarkdown
{
    internal RenderedMarkdown(string markdown, string html, string text, bool sanitized)
    {
        Markdown = markdown;
        Html = html;
        Text = text;
        Sanitized = sanitized;
    }

    public string Markdown { get; }

    public string Html { get; }

    /// <summary>The words of <see cref="Html"/>, for the search index: extracted here, off the single writer.</summary>
    public string Text { get; }

    /// <summary>Whether the HTML went through HtmlSanitizer (false: Markdig's output passed the strict check as it was).</summary>
    internal bool Sanitized { get; }
}

/// <summary>
/// Markdown to HTML that cannot carry script. Markdig renders (raw HTML allowed, as authors
/// expect), code blocks highlighted and table alignment as classes. Markdown without raw HTML
/// or attributes of the author's own comes out of Markdig only as elements and attributes of
/// <see cref="AllowedMarkup"/>; <see cref="StrictHtml"/> confirms that on the written HTML (and
/// checks every address), and then it is stored as it is. Anything else (raw HTML, an address
/// such as javascript:, a {key=value} attribute, an embedded video) goes through HtmlSanitizer,
/// which removes script, event handlers, non-http(s) links and style attributes (the readers'
/// CSP refuses inline style anyway). The sanitizer costs ten times the rest of a write, so
/// the plain case skips it. Runs once at write time, so readers are served stored HTML.
/// </summary>
public sealed partial class MarkdownRenderer
{
    private readonly MarkdownPipeline _pipeline = Builder(plainEmphasis: true).Build();

    /// <summary>The pipeline's builder; without <see cref="PlainEmphasis"/> (Markdig's own emphasis alone) for tests that compare the two.</summary>
    internal static MarkdownPipelineBuilder Builder(bool plainEmphasis)
    {
        var builder = new MarkdownPipelineBuilder()
            .UseAdvancedExtensions()
            .UseAlignmentClasses()
            .Use<HighlightedCodeBlocks>();
        // Last: it checks the parsers every other extension added.
        return plainEmphasis ? builder.Use<PlainEmphasis>() : builder;
    }

    private readonly HtmlSanitizer _sanitizer = CreateSanitizer();

    public string Render(string markdown) => Prepare(markdown).Html;

    /// <summary>
    /// Renders ahead of the write, on the caller's thread, so the single writer only commits.
    /// Thread-safe: Markdig pipelines and a configured HtmlSanitizer may be shared.
    /// </summary>
    public RenderedMarkdown Prepare(string markdown)
    {
        var document = Markdown.Parse(markdown, _pipeline);
        var images = new List<LinkInline>();
        if (IsPlain(document, images))
        {
            OfferPageSizes(images);
            var html = document.ToHtml(_pipeline);
            if (PlainText.FromStrictHtml(html) is { } text) return new RenderedMarkdown(markdown, html, text, sanitized: false);
            return Sanitized(markdown, html);
        }
        return Sanitized(markdown, document.ToHtml(_pipeline));
    }

    /// <summary>The slow road for every document, as before the strict check: for tests that compare the two.</summary>
    internal RenderedMarkdown PrepareThroughSanitizer(string markdown) => Sanitized(markdown, Markdown.ToHtml(markdown, _pipeline));

    private RenderedMarkdown Sanitized(string markdown, string html)
    {
        var clean = _sanitizer.Sanitize(html);
        return new RenderedMarkdown(markdown, clean, PlainText.FromHtml(clean), sanitized: true);
    }

    /// <summary>
    /// False for raw HTML or attributes the author wrote ({key=value}): markup Markdig passes on as
    /// given, so the sanitizer decides. Collects the images on the way (one walk of the tree).
    /// </summary>
    private static bool IsPlain(MarkdownObject node, List<LinkInline> images)
    {
        if (node is HtmlBlock or HtmlInline || node.TryGetAttributes() is { Properties.Count: > 0 }) return false;
        switch (node)
        {
            case ContainerBlock blocks:
                foreach (var block in blocks)
                    if (!IsPlain(block, images)) return false;
                break;
            case LeafBlock { Inline: { } inline }:
                return IsPlain(inline, images);
            case ContainerInline inlines:
                for (var child = inlines.FirstChild; child is not null; child = child.NextSibling)
                    if (!IsPlain(child, images)) return false;
                if (inlines is LinkInline { IsImage: true } image) images.Add(image);
                break;
        }
        return true;
    }

    internal static HtmlSanitizer CreateSanitizer()
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
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is not IHtmlImageElement image || image.GetAttribute("src") is not { } src || PageSizes(src) is not { } sizes) return;
            image.SetAttribute("srcset", sizes.SrcSet);
            image.SetAttribute("sizes", sizes.Sizes);
        };
        return sanitizer;
    }

    /// <summary>Images uploaded to the blog, in the Markdown's own tree (the strict road: no sanitizer to add them after).</summary>
    private static void OfferPageSizes(List<LinkInline> images)
    {
        foreach (var link in images)
        {
            if (link.Url is not { } src || PageSizes(src) is not { } sizes) continue;
            var attributes = link.GetAttributes();
            attributes.AddProperty("srcset", sizes.SrcSet);
            attributes.AddProperty("sizes", sizes.Sizes);
        }
    }

    /// <summary>
    /// An image uploaded to the blog gets a srcset of its page-sized copies, so a phone loads the
    /// 640 px copy instead of a 5 MB original. From our own URL pattern only.
    /// </summary>
    private static (string SrcSet, string Sizes)? PageSizes(string src)
    {
        if (UploadedImage().Match(src) is not { Success: true } m) return null;
        var id = long.Parse(m.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
        var name = m.Groups[2].Value;
        return (string.Join(", ", MediaUrls.VariantWidths.Select(w => $"{MediaUrls.Variant(id, w, name)} {w}w")), "(max-width: 42rem) 100vw, 40rem");
    }

    [GeneratedRegex(@"^/media/([0-9]{1,18})/([a-z0-9-]+\.[a-z0-9]+)$")]
    private static partial Regex UploadedImage();
}
