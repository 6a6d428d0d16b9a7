using ActorBlog.Media;
using Microsoft.Net.Http.Headers;

namespace ActorBlog.Host.Web;

/// <summary>
/// Serves stored images at <c>/media/{id}/{file-name}</c> and their page-sized copies at
/// <c>/media/{id}/{width}/{file-name}</c>, streamed from the BLOB in chunks. An image never
/// changes under its URL (a new upload is a new id), so caches may keep it for a year.
/// </summary>
public static class MediaFiles
{
    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];
    private const int ChunkSize = 81920;

    public static IEndpointRouteBuilder MapMediaFiles(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/media/{id:long}/{name}", GetAndHead, (long id, string name, HttpContext http, MediaReader reader) =>
            ServeAsync(http, reader, id, null, name));
        app.MapMethods("/media/{id:long}/{width:int}/{name}", GetAndHead, (long id, int width, string name, HttpContext http, MediaReader reader) =>
            ServeAsync(http, reader, id, width, name));
        return app;
    }

    private static async Task ServeAsync(HttpContext http, MediaReader reader, long id, int? width, string name)
    {
        var response = http.Response;
        if (!MediaNames.IsSafe(name) || (width is { } w && !MediaUrls.VariantWidths.Contains(w)))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        using var content = reader.Open(id, width);
        // The name is part of the URL the writer handed out; another name is another (missing) resource.
        if (content is null || content.FileName != name)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var etag = new EntityTagHeaderValue("\"" + content.Sha256[..32] + "\"");
        var headers = response.GetTypedHeaders();
        headers.ETag = etag;
        response.Headers.CacheControl = "public, max-age=31536000, immutable";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentDisposition = $"inline; filename=\"{name}\"";
        var ifNoneMatch = http.Request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch.Any(candidate => candidate.Equals(EntityTagHeaderValue.Any) || candidate.Compare(etag, useStrongComparison: false)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = content.ContentType;
        response.ContentLength = content.Length;
        if (HttpMethods.IsHead(http.Request.Method)) return;
        await content.Body.CopyToAsync(response.Body, ChunkSize, http.RequestAborted);
    }
}
