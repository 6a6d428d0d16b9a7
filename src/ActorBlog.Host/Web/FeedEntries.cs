using System.Globalization;
using ActorBlog.Configuration;
using ActorBlog.Posts;
using AngleSharp.Html.Parser;

namespace ActorBlog.Host.Web;

/// <summary>What the Atom and JSON feeds say alike about a post: its lasting id, its address, its content with absolute links.</summary>
internal static class FeedEntries
{
    public const int Size = 20;

    private static readonly HtmlParser Parser = new();

    /// <summary>
    /// A tag URI (RFC 4151) that never changes: the authority stored at the blog's first start
    /// (<see cref="FeedAuthority"/>), the post's creation date and its number; not its slug, not today's base-url.
    /// </summary>
    public static string Id(string authority, Post post) =>
        string.Create(CultureInfo.InvariantCulture, $"tag:{authority},{post.CreatedAt.UtcDateTime:yyyy-MM-dd}:post-{post.Id}");

    public static Uri Url(BlogSettings settings, Post post) => SiteUrls.Absolute(settings.BaseUrl, SiteUrls.PostPath(post.Slug));

    /// <summary>
    /// The post's HTML with every relative <c>href</c> and <c>src</c> made absolute against the
    /// post's address: a feed reader shows content far from the blog, where "/media/1/a.png" means nothing.
    /// </summary>
    public static string AbsoluteHtml(string html, Uri postUrl)
    {
        if (!html.Contains("href=", StringComparison.Ordinal) && !html.Contains("src=", StringComparison.Ordinal)) return html;
        var document = Parser.ParseDocument("<!DOCTYPE html><body>" + html);
        foreach (var element in document.Body!.QuerySelectorAll("[href], [src]"))
        {
            foreach (var name in new[] { "href", "src" })
            {
                if (element.GetAttribute(name) is { } value && Uri.TryCreate(postUrl, value, out var absolute))
                    element.SetAttribute(name, absolute.AbsoluteUri);
            }
        }
        return document.Body.InnerHtml;
    }

    public static DateTimeOffset Published(Post post) => post.PublishedAt ?? post.CreatedAt;
}

/// <summary>The feed authority as the host found it in the database at start (see <see cref="FeedAuthority"/>).</summary>
public sealed record FeedIdentity(string Authority);
