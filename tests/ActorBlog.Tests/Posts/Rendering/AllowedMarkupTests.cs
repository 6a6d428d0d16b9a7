using ActorBlog.Posts;
using ActorBlog.Posts.Rendering;

namespace ActorBlog.Tests.Posts.Rendering;

public sealed class AllowedMarkupTests
{
    [Theory]
    [InlineData("https://example.org/a?b=c#d")]
    [InlineData("http://example.org")]
    [InlineData("HTTPS://EXAMPLE.ORG")]
    [InlineData("mailto:someone@example.org")]
    [InlineData("/media/1/photo.jpg")]
    [InlineData("relative/page")]
    [InlineData("#fn:1")]
    [InlineData("//example.org/protocol-relative")]
    [InlineData("/path/with:colon-after-a-slash")]
    public void Web_mail_and_relative_addresses_are_allowed(string address) => Assert.True(AllowedMarkup.IsAllowedAddress(address));

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("JaVaScRiPt:alert(1)")]
    [InlineData("vbscript:msgbox(1)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("tel:+123")]
    [InlineData("?q=a:b")] // HtmlSanitizer reads "?q=a" as a scheme; so does this check
    [InlineData("java\tscript:alert(1)")] // browsers drop the tab and run it
    [InlineData("java\nscript:alert(1)")]
    [InlineData(" javascript:alert(1)")]
    [InlineData("\u0001javascript:alert(1)")]
    [InlineData("javascript&#58;alert(1)")]
    [InlineData("javascript&#x3a;alert(1)")]
    [InlineData("")]
    public void Script_data_other_schemes_and_obfuscations_are_refused(string address) => Assert.False(AllowedMarkup.IsAllowedAddress(address));

    [Fact]
    public void A_srcset_is_allowed_only_when_each_candidate_is()
    {
        Assert.True(AllowedMarkup.IsAllowedSourceSet("/media/1/640/a.jpg 640w, /media/1/1280/a.jpg 1280w"));
        Assert.False(AllowedMarkup.IsAllowedSourceSet("/media/1/640/a.jpg 640w, javascript:alert(1) 1280w"));
    }

    /// <summary>The strict road must never admit what the sanitizer, as the renderer configures it, would remove.</summary>
    [Fact]
    public void Everything_allowed_is_allowed_by_the_sanitizer_too()
    {
        var sanitizer = MarkdownRenderer.CreateSanitizer();
        var elements = AllowedMarkup.Phrasing.Concat(AllowedMarkup.PhrasingBlocks).Concat(AllowedMarkup.FlowBlocks).ToList();

        Assert.All(elements, e => Assert.Contains(e, sanitizer.AllowedTags));
        Assert.All(AllowedMarkup.Attributes, a => Assert.Contains(a, sanitizer.AllowedAttributes));
        Assert.All(AllowedMarkup.Schemes, s => Assert.Contains(s, sanitizer.AllowedSchemes));
        Assert.All(AllowedMarkup.Addresses, a => Assert.Contains(a, sanitizer.UriAttributes));
        Assert.DoesNotContain("style", AllowedMarkup.Attributes);
        Assert.DoesNotContain(AllowedMarkup.Attributes, a => a.StartsWith("on", StringComparison.Ordinal));
    }
}
