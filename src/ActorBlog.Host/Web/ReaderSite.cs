using ActorBlog.Configuration;
using ActorBlog.Host.Views;

namespace ActorBlog.Host.Web;

/// <summary>Builds the <see cref="Site"/> every reader page shows, once, from the settings.</summary>
internal static class ReaderSite
{
    public static Site Create(BlogSettings settings, StaticAssets assets) =>
        new(settings.Title, settings.Description, settings.Author, settings.Language,
            assets.Href("site.css"), assets.Href("favicon.svg"), assets.Href("favicon.ico"));
}
