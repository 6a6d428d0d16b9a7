using ActorBlog.Media;
using ActorBlog.Posts;

namespace ActorBlog.Host.Desk;

/// <summary>
/// Everything the editor page shows: the author's fields as typed (never lost on an error), the
/// errors by field, and, after a version conflict, the post as it is now saved.
/// </summary>
public sealed record EditorState(long? Id, string Title, string Slug, string Tags, string Markdown, int Version, PostStatus Status)
{
    public IReadOnlyDictionary<string, string[]> Errors { get; init; } = new Dictionary<string, string[]>();
    /// <summary>Set when the post changed elsewhere since the author opened it: the saved version.</summary>
    public Post? Conflict { get; init; }
    public string? PreviewHtml { get; init; }
    public string? Notice { get; init; }
    public IReadOnlyList<MediaItem> Images { get; init; } = [];

    public static EditorState New() => new(null, "", "", "", "", 0, PostStatus.Draft);

    public static EditorState From(Post post) =>
        new(post.Id, post.Title, post.Slug, string.Join(", ", post.Tags), post.Markdown, post.Version, post.Status);

    /// <summary>The editor form as posted. Unparseable numbers become 0, which matches no version.</summary>
    public static (EditorState State, string Action) FromForm(long? id, IFormCollection form)
    {
        int.TryParse(form["version"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version);
        var status = form["status"] == "published" ? PostStatus.Published : PostStatus.Draft;
        return (new EditorState(id, form["title"].ToString(), form["slug"].ToString().Trim(), form["tags"].ToString(),
            form["markdown"].ToString().Replace("\r\n", "\n"), version, status), form["action"].ToString());
    }

    /// <summary>What goes to the store: an empty slug lets the store choose (new) or keep it (edit); the status follows the button.</summary>
    public PostInput ToInput(string action)
    {
        var tags = Tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var status = action switch
        {
            "publish" => "published",
            "unpublish" => "draft",
            _ => Id is null ? "draft" : null,
        };
        return new PostInput(Title, Slug.Length == 0 ? null : Slug, Markdown, tags, status);
    }

    public string[] ErrorsFor(string field) => Errors.TryGetValue(field, out var e) ? e : [];
}
