namespace ActorBlog.Posts;

/// <summary>A write for the <see cref="PostStore"/>. Each is answered with one <see cref="WriteResult"/>.</summary>
public abstract record PostCommand;

/// <param name="Rendered">The markdown already rendered by the caller (optional): keeps rendering off the single writer.</param>
public sealed record CreatePost(PostInput Input, RenderedMarkdown? Rendered = null) : PostCommand;

/// <summary>Replaces a post. Fields the input leaves out (slug, tags, status) keep their stored values.</summary>
public sealed record UpdatePost(long Id, int ExpectedVersion, PostInput Input, RenderedMarkdown? Rendered = null) : PostCommand
{
    /// <summary>A partial update (PATCH): title and markdown may be left out too, and keep theirs.</summary>
    public bool Partial { get; init; }
}

public sealed record DeletePost(long Id) : PostCommand;

/// <summary>The answer to a command; sent only once the transaction holding it has committed (or was never needed).</summary>
public abstract record WriteResult;

public sealed record PostSaved(Post Post, bool Created) : WriteResult;

public sealed record PostDeleted(long Id) : WriteResult;

public sealed record PostNotFound(long Id) : WriteResult;

public sealed record SlugTaken(string Slug) : WriteResult;

public sealed record VersionMismatch(long Id, int CurrentVersion) : WriteResult;

public sealed record PostRejected(IReadOnlyDictionary<string, string[]> Errors) : WriteResult;

/// <summary>The commit failed (disk full, I/O error): nothing of the command was written.</summary>
public sealed record StoreUnavailable(string Reason) : WriteResult;
