using AngleSharp.Html.Parser;
using ActorBlog.Posts;

namespace ActorBlog.Tests.Posts.Rendering;

/// <summary>
/// Markdown without markup of the author's own skips HtmlSanitizer (the strict road); the rest goes
/// through it as before. Both roads must give the same page: the same DOM and the same words.
/// </summary>
public sealed class StrictRoadTests
{
    private readonly MarkdownRenderer _renderer = new();

    public static TheoryData<string> Ordinary => new()
    {
        "# Heading *one*\n\nSome **bold**, *em*, `code`, [a link](https://example.org \"title\") and a bare https://example.org/x",
        "- [ ] task\n- [x] done\n\n3. three\n4. four\n\n> quote\n> > nested",
        "| left | centre | right |\n|:--|:-:|--:|\n| 1 | 2 | 3 |",
        "```csharp\nvar greeting = \"<hi>\" && 'é';\n```\n\n```\nplain <b>text</b>\n```\n\n    indented <code>",
        "Footnote[^1].\n\n[^1]: The *note*.",
        "Term\n: Definition\n\n*[HTML]: Hyper Text\nHTML is here\n\n::: spoiler\nhidden\n:::",
        "~~del~~ ++ins++ ==mark== H~2~O 2^10^ and $x^2$ and\n\n$$\ny < 1\n$$",
        "&amp; &lt; &gt; &quot; &#39; &copy; \\<script\\> `<script>` é ü 😀\u00a0",
        "![photo](/media/12/photo.jpg) and [![linked](/media/3/a.png)](/posts/other) <https://x.org> <mailto:a@b.c> me@example.org",
        "Heading\n=====\n\nline  \nbreak\n\n---\n\n[ref]\n\n[ref]: https://x.org \"T\"",
        "[x](https://x.org \"a\\\"onmouseover=\\\"alert(1)\") <https://x.org/\"onmouseover=alert(1)>",
    };

    public static TheoryData<string> Hostile => new()
    {
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java&#x09;script:alert(1)) [y](javascript&#58;alert(1))",
        "<javascript:alert(1)>",
        "![x](javascript:alert(1))",
        "[ref]\n\n[ref]: javascript:alert(1)",
        "[x](data:text/html,x) [y](vbscript:msgbox)",
        "<svg onload=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<div onmouseover=\"alert(1)\">hover</div>",
        "# Title {#custom .cls onclick=\"alert(1)\"}",
        ":::info {onclick=x}\nhi\n:::",
        "<p style=\"color: red\">red?</p>",
        "<b>bold</b> and <details><summary>s</summary>d</details>",
        "![yt](https://www.youtube.com/watch?v=dQw4w9WgXcQ) ![vid](https://example.org/x.mp4)",
        "+---+---+\n| a | b |\n+===+===+\n| 1 | 2 |\n+---+---+",
        "text <!-- a comment --> more",
    };

    [Theory]
    [MemberData(nameof(Ordinary))]
    public void Ordinary_markdown_is_stored_as_markdig_wrote_it(string markdown) => Assert.False(_renderer.Prepare(markdown).Sanitized);

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Raw_html_attributes_of_the_authors_own_and_other_addresses_go_through_the_sanitizer(string markdown) =>
        Assert.True(_renderer.Prepare(markdown).Sanitized);

    [Theory]
    [MemberData(nameof(Ordinary))]
    [MemberData(nameof(Hostile))]
    public void Both_roads_give_the_same_page_and_the_same_words(string markdown) => AssertSameAsThroughSanitizer(markdown);

    [Fact]
    public void An_uploaded_image_gets_its_page_sized_copies_on_the_strict_road()
    {
        var rendered = _renderer.Prepare("![A wide one](/media/7/wide.jpg)");

        Assert.False(rendered.Sanitized);
        Assert.Contains("srcset=\"/media/7/640/wide.jpg 640w, /media/7/1280/wide.jpg 1280w\"", rendered.Html);
        Assert.Contains("sizes=\"(max-width: 42rem) 100vw, 40rem\"", rendered.Html);
    }

    /// <summary>Documents stitched from pieces that meet each other in every order: the roads agree on all of them.</summary>
    [Fact]
    public void Both_roads_agree_on_generated_documents()
    {
        string[] pieces =
        [
            "*em*", "**strong**", "`code`", "[link](https://example.org)", "[rel](/x)", "[bad](javascript:alert(1))", "![img](/media/1/a.png)",
            "<b>raw</b>", "<br>", "&amp;", "&copy;", "<", ">", "\"", "'", "_", "*", "[", "]", "(", ")", "\\", "|", ":", "~~", "==", "^",
            "\n", "\n\n", "\n- ", "\n1. ", "\n> ", "\n# ", "\n```\n", "\n```js\n", "\n| a | b |\n|---|---|\n| ", "\n    ", "  \n",
            "https://bare.example.org", "www.example.org", "a@b.co", "{.cls}", "{#id}", "[^1]", "\n\n[^1]: note", "$x$", "é", "😀", "\t",
        ];
        var random = new Random(14);
        for (var n = 0; n < 400; n++)
        {
            var markdown = string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => pieces[random.Next(pieces.Length)] + (random.Next(3) == 0 ? " word " : "")));
            AssertSameAsThroughSanitizer(markdown);
        }
    }

    private void AssertSameAsThroughSanitizer(string markdown)
    {
        var rendered = _renderer.Prepare(markdown);
        var sanitized = _renderer.PrepareThroughSanitizer(markdown);

        Assert.Equal(Dom(sanitized.Html), Dom(rendered.Html));
        Assert.Equal(sanitized.Text, rendered.Text);
    }

    /// <summary>The HTML as a browser builds it, serialized, with attributes in name order (the roads write them in different orders).</summary>
    private static string Dom(string html)
    {
        var body = new HtmlParser().ParseDocument("<!DOCTYPE html><body>" + html).Body!;
        foreach (var element in body.QuerySelectorAll("*"))
        {
            var attributes = element.Attributes.Select(a => (a.Name, a.Value)).OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
            foreach (var (name, _) in attributes) element.RemoveAttribute(name);
            foreach (var (name, value) in attributes) element.SetAttribute(name, value);
        }
        return body.InnerHtml;
    }
}
