using ActorBlog.Configuration;
using ActorBlog.Host.Web;
using ActorBlog.Media;
using ActorBlog.Posts;
using Akka.Hosting;
using Microsoft.AspNetCore.Antiforgery;

namespace ActorBlog.Host.Desk;

/// <summary>
/// Images from the desk: the list, and uploads through the same streaming reader and the same
/// checks as POST /api/media. The upload checks its antiforgery token before the file is read:
/// from the X-CSRF-TOKEN header (desk.js) or from the form's first field (a plain form post).
/// </summary>
public static class DeskMedia
{
    public static RouteGroupBuilder MapDeskMedia(this RouteGroupBuilder desk)
    {
        desk.MapGet("/media", (string? uploaded, MediaReader media) => DeskResponses.Page<MediaPage>(new()
        {
            [nameof(MediaPage.Images)] = media.List(),
            [nameof(MediaPage.Uploaded)] = uploaded,
        }));
        desk.MapPost("/media", UploadAsync).WithMetadata(new ChecksAntiforgeryItself());
        return desk;
    }

    private static async Task<IResult> UploadAsync(HttpContext http, IAntiforgery antiforgery, MediaSettings media, BackupSettings backup,
        ImageInspector inspector, IRequiredActor<PostStore> store, BlogSettings blog)
    {
        var fromScript = http.Request.Headers.ContainsKey(DeskSetup.AntiforgeryHeader);
        var checkedToken = fromScript && await DeskAntiforgery.IsValidAsync(antiforgery, http);
        if (fromScript && !checkedToken) return Answer(fromScript, StatusCodes.Status400BadRequest, DeskAntiforgery.Refused(), "The page has expired; reload it.");
        var returnTo = "/desk/media";

        var (upload, problem) = await MediaUpload.ReadAsync(http.Request, media, backup.TempDir, async (name, value) =>
        {
            if (name == DeskSetup.AntiforgeryField && !checkedToken)
            {
                // A plain form: its token came as the first field. Checked as a header, so nothing reads the rest of the body.
                http.Request.Headers[DeskSetup.AntiforgeryHeader] = value;
                checkedToken = await DeskAntiforgery.IsValidAsync(antiforgery, http);
                return checkedToken ? null : DeskAntiforgery.Refused();
            }
            if (name == "return") returnTo = DeskSignIn.LocalDeskPath(value);
            return null;
        }, http.RequestAborted);
        if (problem is not null) return Answer(fromScript, StatusCodes.Status400BadRequest, problem, "The upload was refused.");
        if (!checkedToken)
        {
            Backup.TempFiles.DeleteQuietly(upload!.Path);
            return DeskAntiforgery.Refused();
        }

        var (item, refused) = await MediaApi.StoreAsync(upload!, inspector, store, blog, http.RequestAborted);
        if (item is null) return Answer(fromScript, StatusCodes.Status422UnprocessableEntity, refused!, "The image was refused.");
        if (fromScript)
        {
            DeskResponses.Protect(http.Response);
            return TypedResults.Created(item.Url, new { id = item.Id, url = item.Url, markdown = $"![{Path.GetFileNameWithoutExtension(item.FileName).Replace('-', ' ')}]({item.Url})" });
        }
        var separator = returnTo.Contains('?') ? '&' : '?';
        return DeskResponses.SeeOther($"{returnTo}{separator}uploaded={item.Id}");
    }

    /// <summary>desk.js reads the problem JSON; a plain form gets a page with the same sentence.</summary>
    private static IResult Answer(bool fromScript, int status, IResult problem, string fallback)
    {
        if (fromScript) return problem;
        var detail = problem is Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult p ? p.ProblemDetails.Detail ?? fallback : fallback;
        var code = problem is Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult q ? q.StatusCode : status;
        return DeskResponses.Message(code, "Image not uploaded", detail);
    }
}
