using ActorBlog.Posts;

namespace ActorBlog.Tests.Posts;

public sealed class MarkdownRendererTests
{
    private readonly MarkdownRenderer _renderer = new();

    [Fact]
    public void A_fenced_block_in_a_known_language_is_highlighted_with_class_only_spans()
    {
        var html = _renderer.Render("```csharp\n// says hi\nvar greeting = \"<hi>\";\n```");

        Assert.StartsWith("<pre><code class=\"language-csharp\">", html);
        Assert.Contains("<span class=\"hl-comment\">// says hi</span>", html);
        Assert.Contains("<span class=\"hl-keyword\">var</span>", html);
        Assert.Contains("<span class=\"hl-string\">\"&lt;hi&gt;\"</span>", html);
        Assert.DoesNotContain("style=", html);
    }

    [Theory]
    [InlineData("```\nplain <b>text</b>\n```")]
    [InlineData("```nosuchlanguage\nplain <b>text</b>\n```")]
    public void Other_code_blocks_stay_plain_and_encoded(string markdown)
    {
        var html = _renderer.Render(markdown);

        Assert.Contains("plain &lt;b&gt;text&lt;/b&gt;", html);
        Assert.DoesNotContain("<span", html);
    }

    [Fact]
    public void Highlighted_code_cannot_smuggle_markup()
    {
        var html = _renderer.Render("```html\n<script>alert(1)</script><img src=x onerror=alert(1)>\n```");

        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
    }

    [Fact]
    public void Table_alignment_becomes_classes_never_a_style_attribute()
    {
        var html = _renderer.Render("| left | centre | right | none |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |");

        Assert.Contains("<th class=\"align-left\">left</th>", html);
        Assert.Contains("<th class=\"align-center\">centre</th>", html);
        Assert.Contains("<td class=\"align-right\">3</td>", html);
        Assert.Contains("<td>4</td>", html);
        Assert.DoesNotContain("style", html);
    }

    [Fact]
    public void An_authors_inline_style_is_removed()
    {
        var html = _renderer.Render("<p style=\"color: red\">red?</p>");

        Assert.Contains("red?", html);
        Assert.DoesNotContain("style", html);
    }
}
