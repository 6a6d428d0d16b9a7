using ActorBlog.Configuration;
using ActorBlog.Media;
using ActorBlog.Posts;
using Akka.Actor;
using Akka.Hosting;

namespace ActorBlog.Host.Desk;

/// <summary>
/// The author's posts: the lists, the editor, preview, save, publish, unpublish and delete.
/// Writes go to the PostStore like the API's, with the same version check, so a post changed in
/// another tab is a conflict shown on the page, never a silent overwrite.
/// </summary>
public static class DeskPosts
{
    public static RouteGroupBuilder MapDeskPosts(this RouteGroupBuilder desk)
    {
        desk.MapGet("/", List);
        desk.MapGet("/posts/new", (MediaReader media) => Editor(StatusCodes.Status200OK, EditorState.New() with { Images = media.List() }));
        desk.MapPost("/posts/new", (HttpContext http, [AsParameters] Deps deps) => SaveAsync(http, null, deps));
        desk.MapGet("/posts/{id:long}", Edit);
        desk.MapPost("/posts/{id:long}", (long id, HttpContext http, [AsParameters] Deps deps) => SaveAsync(http, id, deps));
        desk.MapGet("/posts/{id:long}/delete", (long id, PostReader reader) => reader.ById(id) is { } post
            ? DeskResponses.Page<DeletePage>(new() { [nameof(DeletePage.Post)] = post })
            : Gone(id));
        desk.MapPost("/posts/{id:long}/delete", DeleteAsync);
        desk.MapPost("/preview", PreviewAsync);
        return desk;
    }

    /// <summary>What saving needs, in one parameter.</summary>
    public sealed record Deps(IRequiredActor<PostStore> Store, PostReader Reader, MediaReader Media, MarkdownRenderer Renderer, BlogSettings Blog);

    private static IResult List(string? q, string? deleted, PostReader reader)
    {
        var all = reader.ForAuthor(null);
        var query = q?.Trim() ?? "";
        var found = query.Length == 0 ? all : all.Where(p => p.Title.Contains(query, StringComparison.CurrentCultureIgnoreCase)).ToList();
        return DeskResponses.Page<PostsPage>(new()
        {
            [nameof(PostsPage.Drafts)] = found.Where(p => !p.IsPublished).ToList(),
            [nameof(PostsPage.Published)] = found.Where(p => p.IsPublished).ToList(),
            [nameof(PostsPage.Query)] = query,
            [nameof(PostsPage.Deleted)] = deleted,
        });
    }

    private static IResult Edit(long id, string? done, PostReader reader, MediaReader media)
    {
        if (reader.ById(id) is not { } post) return Gone(id);
        var notice = done switch
        {
            "saved" => "Saved.",
            "published" => "Published: readers see it now.",
            "unpublished" => "Unpublished: it is a draft again.",
            "created" => "Saved as a draft.",
            _ => null,
        };
        return Editor(StatusCodes.Status200OK, EditorState.From(post) with { Notice = notice, Images = media.List() });
    }

    private static async Task<IResult> SaveAsync(HttpContext http, long? id, Deps deps)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var (state, action) = EditorState.FromForm(id, form);
        state = state with { Images = deps.Media.List() };
        if (action == "preview")
            return Editor(StatusCodes.Status200OK, state with { PreviewHtml = deps.Renderer.Render(state.Markdown) });

        var input = state.ToInput(action);
        var rendered = PostValidation.Validate(input).Count == 0 ? deps.Renderer.Prepare(input.Markdown!) : null;
        PostCommand command = id is { } existing
            ? new UpdatePost(existing, state.Version, input, rendered)
            : new CreatePost(input, rendered);
        var result = await AskAsync(deps.Store, command, deps.Blog, http.RequestAborted);
        return result switch
        {
            PostSaved saved => DeskResponses.SeeOther($"/desk/posts/{saved.Post.Id}?done={Done(action, saved.Created)}"),
            PostRejected rejected => Editor(StatusCodes.Status400BadRequest, state with { Errors = rejected.Errors }),
            SlugTaken taken => Editor(StatusCodes.Status409Conflict, state with
            {
                Errors = new Dictionary<string, string[]> { ["slug"] = [$"The slug '{taken.Slug}' belongs to another post; choose another."] },
            }),
            VersionMismatch stale when deps.Reader.ById(stale.Id) is { } current =>
                Editor(StatusCodes.Status409Conflict, state with { Conflict = current, Version = current.Version }),
            PostNotFound or VersionMismatch => Gone(id ?? 0),
            StoreUnavailable unavailable => DeskResponses.Message(StatusCodes.Status503ServiceUnavailable, "Not saved", unavailable.Reason),
            _ => Busy(),
        };
    }

    private static string Done(string action, bool created) => action switch
    {
        "publish" => "published",
        "unpublish" => "unpublished",
        _ => created ? "created" : "saved",
    };

    private static async Task<IResult> DeleteAsync(long id, HttpContext http, IRequiredActor<PostStore> store, PostReader reader, BlogSettings blog)
    {
        var title = reader.ById(id)?.Title;
        return await AskAsync(store, new DeletePost(id), blog, http.RequestAborted) switch
        {
            PostDeleted => DeskResponses.SeeOther("/desk?deleted=" + Uri.EscapeDataString(title ?? $"post {id}")),
            PostNotFound => Gone(id),
            StoreUnavailable unavailable => DeskResponses.Message(StatusCodes.Status503ServiceUnavailable, "Not deleted", unavailable.Reason),
            _ => Busy(),
        };
    }

    /// <summary>The live preview's fragment: the same renderer and sanitizer the reader pages' HTML comes from.</summary>
    private static async Task<IResult> PreviewAsync(HttpContext http, MarkdownRenderer renderer)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        DeskResponses.Protect(http.Response);
        return TypedResults.Content(renderer.Render(form["markdown"].ToString()), "text/html; charset=utf-8");
    }

    private static IResult Editor(int status, EditorState state) =>
        DeskResponses.Page<EditorPage>(status, new() { [nameof(EditorPage.State)] = state });

    private static IResult Gone(long id) => DeskResponses.Message(StatusCodes.Status404NotFound, "No such post",
        $"Post {id} does not exist: it may have been deleted in another tab.");

    private static IResult Busy() => DeskResponses.Message(StatusCodes.Status503ServiceUnavailable, "Not confirmed",
        "The write was not confirmed in time; open the post again to see whether it was saved.");

    private static async Task<WriteResult?> AskAsync(IRequiredActor<PostStore> store, PostCommand command, BlogSettings blog, CancellationToken ct)
    {
        try
        {
            return await store.ActorRef.Ask<WriteResult>(command, blog.WriteTimeout, ct);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }
}
