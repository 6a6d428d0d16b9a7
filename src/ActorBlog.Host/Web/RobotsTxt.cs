using ActorBlog.Configuration;

namespace ActorBlog.Host.Web;

/// <summary><c>/robots.txt</c>: everything may be crawled but the API and search results; the sitemap says where the posts are.</summary>
internal static class RobotsTxt
{
    public const string ContentType = "text/plain; charset=utf-8";

    public static byte[] Build(BlogSettings settings) => System.Text.Encoding.UTF8.GetBytes($"""
        User-agent: *
        Disallow: /api/
        Disallow: /search

        Sitemap: {SiteUrls.Absolute(settings.BaseUrl, "/sitemap.xml").AbsoluteUri}

        """);
}
