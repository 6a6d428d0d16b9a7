using ActorBlog.Configuration;
using ActorBlog.Posts;
using Akka.Actor;
using Akka.Hosting;

namespace ActorBlog.Host.Web;

/// <summary>The author's JSON API over posts. Writes go to the PostStore actor; reads go straight to the database.</summary>
public static class AuthorApi
{
    public static IEndpointRouteBuilder MapAuthorApi(this IEndpointRouteBuilder app)
    {
        var posts = app.MapGroup("/api/posts").AddEndpointFilter<BearerTokenFilter>();
        posts.MapPost("/", Create);
        posts.MapGet("/", List);
        posts.MapGet("/{id:long}", Get);
        posts.MapPut("/{id:long}", Update);
        posts.MapPatch("/{id:long}", Patch);
        posts.MapDelete("/{id:long}", Delete);
        // Anything else under /api is an API 404 (JSON), not the readers' HTML page.
        app.MapGroup("/api").AddEndpointFilter<BearerTokenFilter>()
            .Map("/{**rest}", () => Problems.NotFound("such API endpoint"));
        return app;
    }

    private static async Task<IResult> Create(HttpRequest request, IRequiredActor<PostStore> store, MarkdownRenderer renderer, BlogSettings settings, CancellationToken ct)
    {
        var (input, problem) = await JsonBody.ReadAsync<PostInput>(request, ct);
        if (problem is not null) return problem;
        return await Send(store, new CreatePost(input!, RenderAhead(input!, renderer)), settings, request.HttpContext);
    }

    /// <summary>Renders on this request's thread, in parallel with others, so the one writer only commits.</summary>
    private static RenderedMarkdown? RenderAhead(PostInput input, MarkdownRenderer renderer) =>
        PostValidation.Validate(input).Count == 0 ? renderer.Prepare(input.Markdown!) : null;

    private static IResult List(string? status, PostReader reader)
    {
        PostStatus? filter = null;
        if (status is not null and not "all")
        {
            filter = PostValidation.ParseStatus(status);
            if (filter is null)
                return Problems.Invalid(new Dictionary<string, string[]> { ["status"] = ["status must be draft, published or all"] });
        }
        return TypedResults.Ok(reader.ForAuthor(filter).Select(PostJson.From));
    }

    private static IResult Get(long id, PostReader reader, HttpResponse response)
    {
        var post = reader.ById(id);
        if (post is null) return Problems.NotFound($"post with id {id}");
        response.Headers.ETag = PostJson.ETag(post);
        return TypedResults.Ok(PostJson.From(post));
    }

    /// <summary>PUT: title and markdown are required; slug, tags, status and publishedAt left out keep theirs.</summary>
    private static Task<IResult> Update(long id, HttpRequest request, IRequiredActor<PostStore> store, MarkdownRenderer renderer, PostReader reader, BlogSettings settings, CancellationToken ct) =>
        Change(id, partial: false, request, store, renderer, reader, settings, ct);

    /// <summary>PATCH: any field left out keeps its value, e.g. {"status":"published"} publishes a draft as it is.</summary>
    private static Task<IResult> Patch(long id, HttpRequest request, IRequiredActor<PostStore> store, MarkdownRenderer renderer, PostReader reader, BlogSettings settings, CancellationToken ct) =>
        Change(id, partial: true, request, store, renderer, reader, settings, ct);

    private static async Task<IResult> Change(long id, bool partial, HttpRequest request, IRequiredActor<PostStore> store, MarkdownRenderer renderer, PostReader reader, BlogSettings settings, CancellationToken ct)
    {
        var ifMatch = request.Headers.IfMatch.ToString();
        if (ifMatch.Length == 0)
        {
            if (reader.ById(id) is not { } current) return Problems.NotFound($"post with id {id}");
            return Problems.Version(StatusCodes.Status428PreconditionRequired, "Precondition required",
                $"Send If-Match with the version you edited: the post is at version {current.Version}, so If-Match: \"{current.Version}\".", current.Version);
        }
        var (input, problem) = await JsonBody.ReadAsync<PostInput>(request, ct);
        if (problem is not null) return problem;
        // An If-Match that names no version can match none: it is a failed precondition, not a bad request.
        var expected = ParseVersion(ifMatch) ?? -1;
        var rendered = PostValidation.Validate(input!, partial).Count == 0 && input!.Markdown is not null ? renderer.Prepare(input.Markdown) : null;
        return await Send(store, new UpdatePost(id, expected, input!, rendered) { Partial = partial }, settings, request.HttpContext);
    }

    private static Task<IResult> Delete(long id, IRequiredActor<PostStore> store, BlogSettings settings, HttpContext http) =>
        Send(store, new DeletePost(id), settings, http);

    private static async Task<IResult> Send(IRequiredActor<PostStore> store, PostCommand command, BlogSettings settings, HttpContext http)
    {
        WriteResult result;
        try
        {
            result = await store.ActorRef.Ask<WriteResult>(command, settings.WriteTimeout, http.RequestAborted);
        }
        catch (AskTimeoutException)
        {
            return Problems.Status(StatusCodes.Status503ServiceUnavailable, "Busy",
                "The write was not confirmed in time; check the post before sending it again.");
        }
        return result switch
        {
            PostSaved { Created: true } saved => Created(saved.Post, http),
            PostSaved saved => WithETag(saved.Post, http),
            PostDeleted => TypedResults.NoContent(),
            PostNotFound notFound => Problems.NotFound($"post with id {notFound.Id}"),
            SlugTaken taken => Problems.Status(StatusCodes.Status409Conflict, "Slug taken", $"The slug '{taken.Slug}' belongs to another post."),
            VersionMismatch stale => Problems.Version(StatusCodes.Status412PreconditionFailed, "Stale version",
                $"The post is at version {stale.CurrentVersion}; fetch it again and send If-Match: \"{stale.CurrentVersion}\".", stale.CurrentVersion),
            PostRejected rejected => Problems.Invalid(rejected.Errors),
            StoreUnavailable unavailable => Problems.Status(StatusCodes.Status503ServiceUnavailable, "Store unavailable", unavailable.Reason),
            _ => throw new InvalidOperationException($"unexpected answer {result.GetType().Name}"),
        };
    }

    private static IResult Created(Post post, HttpContext http)
    {
        http.Response.Headers.ETag = PostJson.ETag(post);
        return TypedResults.Created($"/api/posts/{post.Id}", PostJson.From(post));
    }

    private static IResult WithETag(Post post, HttpContext http)
    {
        http.Response.Headers.ETag = PostJson.ETag(post);
        return TypedResults.Ok(PostJson.From(post));
    }

    /// <summary>"3", W/"3" or 3; null when it names no version.</summary>
    internal static int? ParseVersion(string ifMatch)
    {
        var value = ifMatch.Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal)) value = value[2..];
        value = value.Trim('"');
        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
    }
}
