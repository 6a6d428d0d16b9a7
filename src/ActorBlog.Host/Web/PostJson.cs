using ActorBlog.Posts;

namespace ActorBlog.Host.Web;

/// <summary>A post as the author API shows it: the contract's field names, times in UTC ("Z").</summary>
public sealed record PostJson(
    long Id, string Slug, string Title, string Markdown, string Html, IReadOnlyList<string> Tags, string Status,
    DateTime CreatedAt, DateTime UpdatedAt, DateTime? PublishedAt, int Version)
{
    public static PostJson From(Post p) => new(
        p.Id, p.Slug, p.Title, p.Markdown, p.Html, p.Tags, p.Status.ToApiString(),
        p.CreatedAt.UtcDateTime, p.UpdatedAt.UtcDateTime, p.PublishedAt?.UtcDateTime, p.Version);

    public static string ETag(Post p) => $"\"{p.Version}\"";
}
