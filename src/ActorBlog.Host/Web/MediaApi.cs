using ActorBlog.Configuration;
using ActorBlog.Media;
using ActorBlog.Posts;
using Akka.Actor;
using Akka.Hosting;

namespace ActorBlog.Host.Web;

/// <summary>The author's JSON API over images: upload (multipart), list, delete. Writes go through the PostStore.</summary>
public static class MediaApi
{
    /// <summary>An image as the API shows it.</summary>
    public sealed record MediaJson(long Id, string Url, string ContentType, long Bytes, string Sha256, int Width, int Height, DateTimeOffset CreatedAt)
    {
        public static MediaJson From(MediaItem m) => new(m.Id, m.Url, m.ContentType, m.Bytes, m.Sha256, m.Width, m.Height, m.CreatedAt);
    }

    public static IEndpointRouteBuilder MapMediaApi(this IEndpointRouteBuilder app)
    {
        var media = app.MapGroup("/api/media").AddEndpointFilter<BearerTokenFilter>();
        media.MapPost("/", Upload);
        media.MapGet("/", (MediaReader reader) => TypedResults.Ok(reader.List().Select(MediaJson.From)));
        media.MapGet("/{id:long}", Get);
        media.MapDelete("/{id:long}", Delete);
        return app;
    }

    private static async Task<IResult> Upload(HttpContext http, MediaSettings media, BackupSettings backup, ImageInspector inspector,
        IRequiredActor<PostStore> store, BlogSettings blog)
    {
        var (upload, problem) = await MediaUpload.ReadAsync(http.Request, media, backup.TempDir, onField: null, http.RequestAborted);
        if (problem is not null) return problem;
        var (item, refused) = await StoreAsync(upload!, inspector, store, blog, http.RequestAborted);
        return item is null ? refused! : TypedResults.Created($"/api/media/{item.Id}", MediaJson.From(item));
    }

    private static IResult Get(long id, MediaReader reader) =>
        reader.ById(id) is { } item ? TypedResults.Ok(MediaJson.From(item)) : Problems.NotFound($"image with id {id}");

    private static async Task<IResult> Delete(long id, IRequiredActor<PostStore> store, BlogSettings blog, CancellationToken ct) =>
        await AskAsync(store, new DeleteMedia(id), blog, ct) switch
        {
            (MediaDeleted, _) => TypedResults.NoContent(),
            (MediaNotFound, _) => Problems.NotFound($"image with id {id}"),
            (_, var problem) => problem!,
        };

    /// <summary>
    /// Inspects a staged upload and, when it is an image within the limits, has the writer store it.
    /// The staged file is gone afterwards, whatever the outcome. Shared by the API and the desk.
    /// </summary>
    public static async Task<(MediaItem? Item, IResult? Problem)> StoreAsync(StagedUpload upload, ImageInspector inspector,
        IRequiredActor<PostStore> store, BlogSettings blog, CancellationToken ct)
    {
        try
        {
            // Decoding is CPU work on this request's thread, never on the writer's.
            var (image, refusal) = inspector.Inspect(upload.Path, upload.FileName, upload.Bytes, upload.Sha256);
            if (refusal is not null)
            {
                return (null, refusal.Kind == RefusalKind.NotAnImage
                    ? Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported image type", refusal.Message)
                    : Problems.Status(StatusCodes.Status422UnprocessableEntity, "Image refused", refusal.Message));
            }
            return await AskAsync(store, new StoreMedia(image!), blog, ct) switch
            {
                (MediaStored stored, _) => (stored.Media, null),
                (_, var problem) => (null, problem),
            };
        }
        finally
        {
            Backup.TempFiles.DeleteQuietly(upload.Path);
        }
    }

    private static async Task<(WriteResult? Result, IResult? Problem)> AskAsync(IRequiredActor<PostStore> store, PostCommand command,
        BlogSettings blog, CancellationToken ct)
    {
        try
        {
            var result = await store.ActorRef.Ask<WriteResult>(command, blog.WriteTimeout, ct);
            return result is StoreUnavailable unavailable
                ? (null, Problems.Status(StatusCodes.Status503ServiceUnavailable, "Store unavailable", unavailable.Reason))
                : (result, null);
        }
        catch (AskTimeoutException)
        {
            return (null, Problems.Status(StatusCodes.Status503ServiceUnavailable, "Busy",
                "The write was not confirmed in time; list the images before sending it again."));
        }
    }
}
