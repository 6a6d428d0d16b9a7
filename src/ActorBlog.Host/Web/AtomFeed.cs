using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using ActorBlog.Configuration;
using ActorBlog.Posts;

namespace ActorBlog.Host.Web;

/// <summary>The newest published posts as an Atom 1.0 document, with absolute links from the base URL.</summary>
internal static class AtomFeed
{
    public const string ContentType = "application/atom+xml; charset=utf-8";

    public static byte[] Build(BlogSettings settings, string authority, IReadOnlyList<Post> posts)
    {
        var home = SiteUrls.Absolute(settings.BaseUrl, "/");
        var feed = new SyndicationFeed(settings.Title, settings.Description.Length > 0 ? settings.Description : null, home)
        {
            // The feed's own id lasts like its entries' ids: the stored authority, not today's base-url.
            Id = $"tag:{authority},2026:feed",
            Language = settings.Language,
            // Atom requires <updated>; an empty blog has never changed, so the epoch stands in.
            LastUpdatedTime = posts.Count == 0 ? DateTimeOffset.UnixEpoch : posts.Max(p => p.UpdatedAt),
            Items = posts.Select(p => Entry(settings, authority, p)).ToList(),
        };
        // RFC 4287 4.1.1: a feed must name an author unless each entry does; both do here.
        feed.Authors.Add(new SyndicationPerson { Name = settings.AuthorOrTitle });
        feed.Links.Add(new SyndicationLink(SiteUrls.Absolute(settings.BaseUrl, "/feed.xml"), "self", null, "application/atom+xml", 0));

        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            new Atom10FeedFormatter(feed).WriteTo(writer);
        }
        return stream.ToArray();
    }

    private static SyndicationItem Entry(BlogSettings settings, string authority, Post post)
    {
        var url = FeedEntries.Url(settings, post);
        var item = new SyndicationItem
        {
            Id = FeedEntries.Id(authority, post),
            Title = new TextSyndicationContent(post.Title),
            Content = SyndicationContent.CreateHtmlContent(FeedEntries.AbsoluteHtml(post.Html, url)),
            Summary = PlainText.Excerpt(post.Html) is { Length: > 0 } excerpt ? new TextSyndicationContent(excerpt) : null,
            LastUpdatedTime = post.UpdatedAt,
            PublishDate = FeedEntries.Published(post),
        };
        item.Authors.Add(new SyndicationPerson { Name = settings.AuthorOrTitle });
        item.Links.Add(SyndicationLink.CreateAlternateLink(url, "text/html"));
        foreach (var tag in post.Tags) item.Categories.Add(new SyndicationCategory(tag));
        return item;
    }
}
