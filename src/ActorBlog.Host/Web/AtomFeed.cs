using System.Globalization;
using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using ActorBlog.Configuration;
using ActorBlog.Posts;

namespace ActorBlog.Host.Web;

/// <summary>The newest published posts as an Atom 1.0 document, with absolute links from the base URL.</summary>
internal static class AtomFeed
{
    public const int Size = 20;
    public const string ContentType = "application/atom+xml; charset=utf-8";

    public static byte[] Build(BlogSettings settings, IReadOnlyList<Post> posts)
    {
        var home = SiteUrls.Absolute(settings.BaseUrl, "/");
        var feed = new SyndicationFeed(settings.Title, description: null, home)
        {
            Id = home.AbsoluteUri,
            // Atom requires <updated>; an empty blog has never changed, so the epoch stands in.
            LastUpdatedTime = posts.Count == 0 ? DateTimeOffset.UnixEpoch : posts.Max(p => p.UpdatedAt),
            Items = posts.Select(p => Entry(settings, p)).ToList(),
        };
        // RFC 4287 4.1.1: a feed whose entries name no author must name one itself; the blog speaks for its posts.
        feed.Authors.Add(new SyndicationPerson { Name = settings.Title });
        feed.Links.Add(new SyndicationLink(SiteUrls.Absolute(settings.BaseUrl, "/feed.xml"), "self", null, "application/atom+xml", 0));

        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            new Atom10FeedFormatter(feed).WriteTo(writer);
        }
        return stream.ToArray();
    }

    private static SyndicationItem Entry(BlogSettings settings, Post post)
    {
        var url = SiteUrls.Absolute(settings.BaseUrl, SiteUrls.PostPath(post.Slug));
        // An entry's id must never change, even when its slug does: a tag URI (RFC 4151) from the post's number.
        var item = new SyndicationItem
        {
            Id = string.Create(CultureInfo.InvariantCulture,
                $"tag:{settings.BaseUrl.Host},{post.CreatedAt.UtcDateTime:yyyy-MM-dd}:post-{post.Id}"),
            Title = new TextSyndicationContent(post.Title),
            Content = SyndicationContent.CreateHtmlContent(post.Html),
            LastUpdatedTime = post.UpdatedAt,
            PublishDate = post.PublishedAt ?? post.CreatedAt,
        };
        item.Links.Add(SyndicationLink.CreateAlternateLink(url, "text/html"));
        foreach (var tag in post.Tags) item.Categories.Add(new SyndicationCategory(tag));
        return item;
    }
}
