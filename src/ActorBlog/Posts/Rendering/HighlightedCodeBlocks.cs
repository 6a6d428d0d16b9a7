using ColorCode;
using ColorCode.Common;
using ColorCode.Parsing;
using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;

namespace ActorBlog.Posts.Rendering;

/// <summary>
/// Fenced code blocks whose info string names a language ColorCode knows (```csharp, ```js,
/// ```sql, ```xml, ```python, ...) are highlighted when the post is written: each token becomes a
/// <c>&lt;span class="hl-…"&gt;</c>, styled by site.css for light and dark. No script reaches the
/// reader, and no style attribute (the CSP would refuse it). Other blocks render as Markdig does.
/// </summary>
public sealed class HighlightedCodeBlocks : IMarkdownExtension
{
    public void Setup(MarkdownPipelineBuilder pipeline)
    {
    }

    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
        if (renderer is not HtmlRenderer html) return;
        var plain = html.ObjectRenderers.FindExact<CodeBlockRenderer>();
        if (plain is null) return;
        html.ObjectRenderers.Replace<CodeBlockRenderer>(new Renderer(plain));
    }

    private sealed class Renderer(CodeBlockRenderer plain) : HtmlObjectRenderer<CodeBlock>
    {
        protected override void Write(HtmlRenderer renderer, CodeBlock block)
        {
            var language = block is FencedCodeBlock { Info: { Length: > 0 } info } ? Languages.FindById(info.Trim().ToLowerInvariant()) : null;
            if (language is null || !renderer.EnableHtmlForBlock)
            {
                plain.Write(renderer, block);
                return;
            }
            renderer.EnsureLine();
            renderer.Write("<pre><code").WriteAttributes(block).Write('>');
            renderer.Write(SpanFormatter.Format(Code(block), language));
            renderer.WriteLine("</code></pre>");
        }

        private static string Code(CodeBlock block)
        {
            var lines = block.Lines;
            var code = new System.Text.StringBuilder();
            for (var i = 0; i < lines.Count; i++) code.Append(lines.Lines[i].Slice.ToString()).Append('\n');
            return code.ToString();
        }
    }

    /// <summary>ColorCode's parse, written as HTML-encoded text and class-only spans ("hl-keyword", "hl-string", ...).</summary>
    private sealed class SpanFormatter : CodeColorizerBase
    {
        private readonly System.Text.StringBuilder _html = new();

        private SpanFormatter() : base(null, null)
        {
        }

        public static string Format(string code, ILanguage language)
        {
            var formatter = new SpanFormatter();
            formatter.languageParser.Parse(code, language, formatter.Write);
            return formatter._html.ToString();
        }

        protected override void Write(string parsedSourceCode, IList<Scope> scopes)
        {
            var marks = new List<(int Index, int Order, string Text)>();
            var order = 0;
            foreach (var scope in scopes) Collect(scope, marks, ref order);
            marks.Sort((a, b) => a.Index != b.Index ? a.Index.CompareTo(b.Index) : a.Order.CompareTo(b.Order));
            var offset = 0;
            foreach (var (index, _, text) in marks)
            {
                AppendText(_html, parsedSourceCode.AsSpan(offset, index - offset));
                _html.Append(text);
                offset = index;
            }
            AppendText(_html, parsedSourceCode.AsSpan(offset));
        }

        /// <summary>
        /// Text as an HTML serializer writes it: &amp;, &lt; and &gt; escaped, quotes and every other
        /// character as they are (WebUtility.HtmlEncode also writes é as &amp;#233;, which reads the same but is not the strict form).
        /// </summary>
        private static void AppendText(System.Text.StringBuilder html, ReadOnlySpan<char> text)
        {
            foreach (var c in text)
            {
                switch (c)
                {
                    case '&': html.Append("&amp;"); break;
                    case '<': html.Append("&lt;"); break;
                    case '>': html.Append("&gt;"); break;
                    default: html.Append(c); break;
                }
            }
        }

        private static void Collect(Scope scope, List<(int, int, string)> marks, ref int order)
        {
            marks.Add((scope.Index, order++, $"<span class=\"hl-{ClassName(scope.Name)}\">"));
            foreach (var child in scope.Children) Collect(child, marks, ref order);
            marks.Add((scope.Index + scope.Length, order++, "</span>"));
        }

        /// <summary>"Class Name" → "class-name": letters and hyphens only, so the class attribute is always plain.</summary>
        private static string ClassName(string scopeName)
        {
            var name = new System.Text.StringBuilder(scopeName.Length);
            foreach (var c in scopeName.ToLowerInvariant())
            {
                if (c is >= 'a' and <= 'z') name.Append(c);
                else if (name.Length > 0 && name[^1] != '-') name.Append('-');
            }
            return name.ToString().Trim('-');
        }
    }
}
