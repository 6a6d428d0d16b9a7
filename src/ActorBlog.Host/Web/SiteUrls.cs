namespace ActorBlog.Host.Web;

/// <summary>Absolute addresses under the configured base URL, which may carry a path ("https://x.org/blog").</summary>
internal static class SiteUrls
{
    public static Uri Absolute(Uri baseUrl, string relative)
    {
        var root = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        return new Uri(root, relative.TrimStart('/'));
    }

    public static string PostPath(string slug) => $"/posts/{slug}";

    public static string TagPath(string tag) => $"/tags/{Uri.EscapeDataString(tag)}";
}
