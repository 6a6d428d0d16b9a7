namespace ActorBlog.Host.Views;

/// <summary>What every reader page says about the blog: built once from the settings and the static assets.</summary>
public sealed record Site(string Title, string Description, string Author, string Language, string StylesheetHref, string IconHref, string IcoHref);

/// <summary>A page's own head: title, description, canonical address, and for posts the link preview (Open Graph).</summary>
public sealed record PageHead(string? Title, string Description, string? CanonicalUrl, ArticlePreview? Article = null, bool NoIndex = false);

/// <summary>Open Graph and Twitter card for a post; <see cref="ImageUrl"/> only when the post shows an image.</summary>
public sealed record ArticlePreview(string Title, string Url, string Description, string? ImageUrl, DateTimeOffset PublishedAt, DateTimeOffset ModifiedAt);
