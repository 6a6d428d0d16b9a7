using ActorBlog.Configuration;
using ActorBlog.Host.Views;

namespace ActorBlog.Host.Web;

/// <summary>Builds the <see cref="Site"/> every reader page shows, once, from the settings.</summary>
internal static class ReaderSite
{
    public static Site Create(BlogSettings settings) =>
        new(settings.Title, settings.Description, settings.Author, settings.Language, "/site.css", "/favicon.svg", "/favicon.ico");
}
