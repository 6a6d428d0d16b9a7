using ActorBlog.Posts;

namespace ActorBlog.Tests.Posts.Rendering;

public sealed class StrictHtmlTests
{
    [Theory]
    [InlineData("<p>Hi <em>there</em> &amp; &lt;b&gt; &quot;q&quot; &#8617; &#x27; &nbsp;x</p>\n", "Hi there & <b> \"q\" ↩ ' x")] // a no-break space collapses like any space
    [InlineData("<h2 id=\"a-b\" class=\"c\">Title</h2>\n<p>line<br />\nnext<br>last</p>\n<hr />", "Title line next last")]
    [InlineData("<ul class=\"contains-task-list\">\n<li class=\"task-list-item\"><input disabled=\"disabled\" type=\"checkbox\" checked=\"checked\" /> done</li>\n</ul>\n", "done")]
    [InlineData("<table>\n<thead>\n<tr>\n<th class=\"align-left\">a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n</tr>\n</tbody>\n</table>\n", "a 1")]
    [InlineData("<p><a href=\"https://example.org\" title=\"t\"><img src=\"/media/1/a.jpg\" srcset=\"/media/1/640/a.jpg 640w\" sizes=\"40rem\" alt=\"pic\" /></a></p>", "")]
    [InlineData("<ol start=\"3\">\n<li><p>item</p>\n<pre><code class=\"language-cs\"><span class=\"hl-keyword\">var</span> x;\n</code></pre>\n</li>\n</ol>", "item var x;")]
    [InlineData("<div class=\"footnotes\">\n<hr />\n<ol>\n<li id=\"fn:1\">\n<p>Note<a href=\"#fnref:1\" class=\"footnote-back-ref\">&#8617;</a></p>\n</li>\n</ol>\n</div>", "Note↩")]
    [InlineData("<dl>\n<dt>Term</dt>\n<dd>Def</dd>\n</dl>\n<blockquote>\n<p>Q</p>\n</blockquote>\n<figure>\n<figcaption>cap</figcaption>\n</figure>", "Term Def Q cap")]
    public void Html_in_the_strict_form_is_read_as_the_dom_reads_it(string html, string text)
    {
        Assert.Equal(text, PlainText.FromStrictHtml(html));
        Assert.Equal(PlainText.FromParsedHtml(html), PlainText.FromStrictHtml(html));
    }

    [Theory]
    [InlineData("<p onclick=\"alert(1)\">a</p>")]
    [InlineData("<img src=\"/a.png\" onerror=\"alert(1)\" />")]
    [InlineData("<p style=\"color: red\">a</p>")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<svg><circle /></svg>")]
    [InlineData("<iframe src=\"https://example.org\"></iframe>")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<a href=\"java&#x09;script:alert(1)\">x</a>")]
    [InlineData("<a href=\"javascript&amp;#58;alert(1)\">x</a>")]
    [InlineData("<a href=\"/fine\" href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<img src=\"data:image/png;base64,AAAA\" alt=\"\" />")]
    [InlineData("<img src=\"/a.png\" srcset=\"javascript:alert(1) 640w\" />")]
    [InlineData("<p srcset=\"/a.png 1w\">a</p>")]
    [InlineData("<P>upper case</P>")]
    [InlineData("<p title=x>unquoted</p>")]
    [InlineData("<p title='x'>single quotes</p>")]
    [InlineData("<p  id=\"x\">two spaces</p>")]
    [InlineData("<input disabled type=\"checkbox\" />")]
    [InlineData("<div />")]
    [InlineData("<p>never closed")]
    [InlineData("closes what it did not open</div>")]
    [InlineData("<p><em>crossed</p></em>")]
    [InlineData("<br></br>")]
    [InlineData("<p><div>a block in a paragraph</div></p>")]
    [InlineData("<em><p>a block in emphasis</p></em>")]
    [InlineData("<h1><h2>a heading in a heading</h2></h1>")]
    [InlineData("<a href=\"/a\"><a href=\"/b\">a link in a link</a></a>")]
    [InlineData("<table>text the parser would move</table>")]
    [InlineData("<table><td>a cell without a row</td></table>")]
    [InlineData("<li>an item without a list</li>")]
    [InlineData("<ul><p>a paragraph in a list</p></ul>")]
    [InlineData("<!-- a comment -->")]
    [InlineData("a > b")]
    [InlineData("&copy; a named reference")]
    [InlineData("&#0; NUL")]
    [InlineData("a\0b")]
    [InlineData("&amp without a semicolon")]
    public void Anything_outside_the_strict_form_is_refused(string html) => Assert.Null(PlainText.FromStrictHtml(html));

    [Theory]
    [InlineData("<p onclick=\"alert(1)\">a <b>b</b></p>", "a b")]
    [InlineData("<details><summary>s</summary>d</details>", "sd")]
    public void Refused_html_still_has_its_words_through_the_dom(string html, string text) => Assert.Equal(text, PlainText.FromHtml(html));

    [Fact]
    public void Every_kind_of_whitespace_collapses_to_one_space_and_nothing_else_does()
    {
        for (var c = char.MinValue; c < char.MaxValue; c++)
        {
            if (c is '<' or '&' or '>' or '\0' || char.IsSurrogate(c)) continue;
            var expected = char.IsWhiteSpace(c) ? "a b" : $"a{c}b";
            Assert.Equal(expected, PlainText.FromStrictHtml($"<p>a{c}b</p>"));
        }
    }
}
