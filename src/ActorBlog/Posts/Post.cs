namespace ActorBlog.Posts;

public enum PostStatus { Draft, Published }

/// <summary>A post as stored. <see cref="Html"/> is rendered and sanitized when the post is written.</summary>
public sealed record Post(
    long Id,
    string Slug,
    string Title,
    string Markdown,
    string Html,
    IReadOnlyList<string> Tags,
    PostStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PublishedAt,
    int Version)
{
    public bool IsPublished => Status == PostStatus.Published;
}

/// <summary>What an author sends. Every field may be missing; <see cref="PostValidation"/> decides.</summary>
public sealed record PostInput(string? Title, string? Slug, string? Markdown, IReadOnlyList<string>? Tags, string? Status)
{
    /// <summary>When a published post was first published, for posts imported from elsewhere (ISO-8601 with a zone); default: now.</summary>
    public string? PublishedAt { get; init; }
}
