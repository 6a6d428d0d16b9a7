using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using ActorBlog.Configuration;

namespace ActorBlog.Host.Web;

/// <summary>The sitemaps.org document: the home page and every published post, each with its last change.</summary>
internal static class Sitemap
{
    public const string ContentType = "application/xml; charset=utf-8";
    private static readonly XNamespace Ns = "http://www.sitemaps.org/schemas/sitemap/0.9";

    public static byte[] Build(BlogSettings settings, IReadOnlyList<(string Slug, DateTimeOffset UpdatedAt)> posts)
    {
        var urls = new List<XElement> { Url(SiteUrls.Absolute(settings.BaseUrl, "/"), posts.Count == 0 ? null : posts.Max(p => p.UpdatedAt)) };
        urls.AddRange(posts.Select(p => Url(SiteUrls.Absolute(settings.BaseUrl, SiteUrls.PostPath(p.Slug)), p.UpdatedAt)));
        var document = new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement(Ns + "urlset", urls));

        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            document.Save(writer);
        }
        return stream.ToArray();
    }

    private static XElement Url(Uri location, DateTimeOffset? lastModified) =>
        new(Ns + "url",
            new XElement(Ns + "loc", location.AbsoluteUri),
            lastModified is { } t
                ? new XElement(Ns + "lastmod", t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
                : null);
}
