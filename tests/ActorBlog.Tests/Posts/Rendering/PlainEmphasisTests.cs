using ActorBlog.Posts;
using ActorBlog.Posts.Rendering;
using Markdig;

namespace ActorBlog.Tests.Posts.Rendering;

/// <summary>
/// The shortcut for <c>*word*</c> must be invisible: every document renders to the same HTML, byte
/// for byte, as through the same pipeline with Markdig's own emphasis parser alone.
/// </summary>
public sealed class PlainEmphasisTests
{
    private static readonly MarkdownPipeline MarkdigAlone = MarkdownRenderer.Builder(plainEmphasis: false).Build();
    private static readonly MarkdownPipeline WithShortcut = MarkdownRenderer.Builder(plainEmphasis: true).Build();

    /// <summary>Shapes the shortcut takes, shapes it must leave to Markdig, and what surrounds them.</summary>
    public static TheoryData<string> EdgeCases => new()
    {
        "a *b* c", "*a*", "*a b c*", "*a*b*", "a*b*c", "*a *b* c*", "**a *b* c**", "***a* b**", "*a**", "**a*", "*a*{.x}",
        "*a* *b*", "*a\nb*", "*a  \nb*", "&#97;*b*", "*x &#97;*b*", "&nbsp;*a*", "*a [b*c*", "[*a*](https://x.org)", "[a *b](c)*",
        "`*a*`", "\\*a*", "*a*\\", "*a_b*", "_a_ *b*", "* a*", "*a *", "- *a*\n- *b*", "# *a* b", "> *a*", ">*a*", "*1*2*3*",
        "*é*", "*a é*", "(*a*)", "\"*a*\"", "*a*.", "*a*!", "*a*~~b~~", "~~*a*~~", "==*a*==", "*a*^2^", "$*a*$", "*$a$*",
        "| *a* | b |\n|---|---|\n| *c* | d |", "*a* | *b*\n--|--\n*c* | d", "*[HTML]: Hyper Text\n\n*HTML is* here and *an HTML*",
        "*www*.x.org", "*http*://x.org", "*mailto*:a@b.c", "*tel*:1", "*www.x.org*", "x *a* <b>raw</b> *c*", "<span>*a*</span>",
        "*a* [^1]\n\n[^1]: *note* here", "Term *a*\n: *Definition*", "::: info\n*a* b\n:::", "![*a*](/media/1/a.png)",
        "    *indented code*", "```\n*fenced*\n```", "*a*\n===", "*a*\n\n*b*", "\t*a*", "*a*\t", "*A1 b2*", "*a*" + new string('x', 50),
        "*ab cd*tel:1*", "*a* https://x.org/b*", "*a* www.x.org*", "*a* see https://x.org/*b*", "*ab cd*\n| a | b |\n|---|---|\n| c | d |",
    };

    [Fact]
    public void The_renderers_pipeline_takes_the_shortcut()
    {
        var builder = MarkdownRenderer.Builder(plainEmphasis: true);
        builder.Build();

        Assert.True(PlainEmphasis.Applies(builder.InlineParsers));
    }

    [Fact]
    public void A_pipeline_with_a_parser_that_starts_at_a_letter_parses_as_markdig_alone()
    {
        var builder = new MarkdownPipelineBuilder().UseAdvancedExtensions().UseJiraLinks(new Markdig.Extensions.JiraLinks.JiraLinkOptions("https://jira.example.org"));
        builder.Build();

        Assert.False(PlainEmphasis.Applies(builder.InlineParsers));
    }

    [Theory]
    [MemberData(nameof(EdgeCases))]
    [MemberData(nameof(StrictRoadTests.Ordinary), MemberType = typeof(StrictRoadTests))]
    [MemberData(nameof(StrictRoadTests.Hostile), MemberType = typeof(StrictRoadTests))]
    public void Renders_as_markdig_alone(string markdown) => AssertSame(markdown);

    /// <summary>bench/post.lua's post: 48 sentences in one paragraph, the case the shortcut is for.</summary>
    [Fact]
    public void Renders_a_long_paragraph_of_emphases_as_markdig_alone()
    {
        var markdown = string.Concat(Enumerable.Repeat("Some *markdown* with a [link](https://example.org) and `code`. ", 48));

        AssertSame(markdown);
        Assert.Equal(48, Markdown.ToHtml(markdown, WithShortcut).Split("<em>markdown</em>").Length - 1);
    }

    /// <summary>Documents stitched from pieces that meet each other in every order, around asterisks above all.</summary>
    [Fact]
    public void Renders_generated_documents_as_markdig_alone()
    {
        string[] pieces =
        [
            "*", "*", "*", "**", "_", "*a*", "*ab cd*", "*a*b", "a", "b c", " ", " ", "  ", "\n", "\n\n", "\t", "[", "]", "(x)", "](https://x.org)",
            "`", "&amp;", "&#97;", "&nbsp;", "\\", "{.c}", "<b>", "</b>", "~", "~~", "==", "^", "+", "$", "\"", "|", ":", ".", "@", "!", "é",
            "www.x.org", "http://x.org", "mailto:a@b.c", "tel:1", "\n| a | b |\n|---|---|\n| ", "\n- ", "\n1. ", "\n> ", "\n# ", "\n```\n",
            "\n    ", "[^1]", "\n\n[^1]: n", "\n*[HTML]: Hyper Text\n", "HTML", "\n:::\n", "\nTerm\n: ", "- [ ] ", "(", ")", "<", ">",
        ];
        var random = new Random(14);
        for (var n = 0; n < 3000; n++)
            AssertSame(string.Concat(Enumerable.Range(0, random.Next(1, 24)).Select(_ => pieces[random.Next(pieces.Length)])));
    }

    private static void AssertSame(string markdown) => Assert.Equal(Markdown.ToHtml(markdown, MarkdigAlone), Markdown.ToHtml(markdown, WithShortcut));
}
