using System.Text.Json;
using ActorBlog.Configuration;
using ActorBlog.Posts;

namespace ActorBlog.Host.Web;

/// <summary>The newest published posts as a JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), with the Atom feed's ids.</summary>
internal static class JsonFeed
{
    public const string ContentType = "application/feed+json; charset=utf-8";

    public static byte[] Build(BlogSettings settings, string authority, IReadOnlyList<Post> posts)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("version", "https://jsonfeed.org/version/1.1");
            json.WriteString("title", settings.Title);
            json.WriteString("home_page_url", SiteUrls.Absolute(settings.BaseUrl, "/").AbsoluteUri);
            json.WriteString("feed_url", SiteUrls.Absolute(settings.BaseUrl, "/feed.json").AbsoluteUri);
            if (settings.Description.Length > 0) json.WriteString("description", settings.Description);
            json.WriteString("language", settings.Language);
            Authors(json, settings);
            json.WriteStartArray("items");
            foreach (var post in posts) Item(json, settings, authority, post);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static void Item(Utf8JsonWriter json, BlogSettings settings, string authority, Post post)
    {
        var url = FeedEntries.Url(settings, post);
        json.WriteStartObject();
        json.WriteString("id", FeedEntries.Id(authority, post));
        json.WriteString("url", url.AbsoluteUri);
        json.WriteString("title", post.Title);
        json.WriteString("content_html", FeedEntries.AbsoluteHtml(post.Html, url));
        if (PlainText.Excerpt(post.Html) is { Length: > 0 } excerpt) json.WriteString("summary", excerpt);
        if (PlainText.FirstImage(post.Html) is { } image && Uri.TryCreate(url, image, out var imageUrl)) json.WriteString("image", imageUrl.AbsoluteUri);
        json.WriteString("date_published", FeedEntries.Published(post).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteString("date_modified", post.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        if (post.Tags.Count > 0)
        {
            json.WriteStartArray("tags");
            foreach (var tag in post.Tags) json.WriteStringValue(tag);
            json.WriteEndArray();
        }
        Authors(json, settings);
        json.WriteEndObject();
    }

    private static void Authors(Utf8JsonWriter json, BlogSettings settings)
    {
        json.WriteStartArray("authors");
        json.WriteStartObject();
        json.WriteString("name", settings.AuthorOrTitle);
        json.WriteEndObject();
        json.WriteEndArray();
    }
}
