using System.Security.Cryptography;
using ActorBlog.Backup;
using ActorBlog.Configuration;
using ActorBlog.Media;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace ActorBlog.Host.Web;

/// <summary>A file part of a multipart body, written to a private staging file as it arrived.</summary>
public sealed record StagedUpload(string Path, string? FileName, long Bytes, string Sha256);

/// <summary>
/// Reads <c>multipart/form-data</c> with one file field <c>file</c> without buffering it: the part
/// streams to a staging file (hashed on the way) and stops at the limit, so memory holds one copy
/// buffer, never the upload. The staging folder is the backups' one, swept at every start.
/// </summary>
public static class MediaUpload
{
    public const string FileField = "file";
    private const long FormOverhead = 64 * 1024;
    private const int SmallFieldLimit = 4096;

    /// <param name="onField">Told each small text field that comes before the file (the desk's antiforgery token).</param>
    public static async Task<(StagedUpload? Upload, IResult? Problem)> ReadAsync(
        HttpRequest request, MediaSettings settings, string stagingDir, Func<string, string, Task<IResult?>>? onField, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
            return (null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                "Send multipart/form-data with one file field named 'file'."));

        // The body limit for this request only: the rest of the API keeps Kestrel's 1 MiB.
        var limit = settings.MaxBytes + FormOverhead;
        if (request.ContentLength > limit) return (null, TooLarge(settings));
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
            bodySize.MaxRequestBodySize = limit;

        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024, HeadersCountLimit = 16 };
        StagedUpload? upload = null;
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    return (Discard(upload), BadForm("Every part must be form-data with a name."));
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition())
                {
                    if (name != FileField) return (Discard(upload), BadForm($"The file field must be named '{FileField}'."));
                    if (upload is not null) return (Discard(upload), BadForm("Send one file per upload."));
                    var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value
                        ?? HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                    upload = await StageAsync(section.Body, fileName, settings.MaxBytes, stagingDir, ct);
                    if (upload is null) return (null, TooLarge(settings));
                }
                else if (upload is null && onField is not null)
                {
                    var value = await ReadSmallAsync(section.Body, ct);
                    if (value is null) return (null, BadForm($"The field '{name}' is too long."));
                    if (await onField(name, value) is { } refused) return (null, refused);
                }
                else
                {
                    await section.Body.DrainAsync(SmallFieldLimit, ct);
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (Discard(upload), TooLarge(settings));
        }
        catch (InvalidDataException e)
        {
            return (Discard(upload), BadForm($"The multipart body is malformed ({e.Message.TrimEnd('.')})."));
        }
        catch
        {
            Discard(upload);
            throw;
        }
        return upload is null
            ? (null, BadForm($"No file: send the image in a file field named '{FileField}'."))
            : (upload, null);
    }

    public static IResult TooLarge(MediaSettings settings) => Problems.Status(StatusCodes.Status413PayloadTooLarge, "Image too large",
        $"An image may be at most {settings.MaxBytes / (1024.0 * 1024):0.#} MiB (actorblog.media.max-bytes).");

    private static IResult BadForm(string detail) => Problems.Status(StatusCodes.Status400BadRequest, "Bad upload", detail);

    /// <summary>Copies the part to a staging file; null (and no file) when it passes <paramref name="maxBytes"/>.</summary>
    private static async Task<StagedUpload?> StageAsync(Stream body, string? fileName, long maxBytes, string stagingDir, CancellationToken ct)
    {
        TempFiles.EnsurePrivateDirectory(stagingDir);
        var path = TempFiles.PathFor(stagingDir, "upload-" + Guid.NewGuid().ToString("N"));
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            long total = 0;
            await using (var file = new FileStream(path, options))
            {
                int read;
                while ((read = await body.ReadAsync(buffer, ct)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                    {
                        TempFiles.DeleteQuietly(path);
                        return null;
                    }
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            return new StagedUpload(path, fileName, total, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        catch
        {
            TempFiles.DeleteQuietly(path);
            throw;
        }
    }

    private static async Task<string?> ReadSmallAsync(Stream body, CancellationToken ct)
    {
        using var reader = new StreamReader(body);
        var buffer = new char[SmallFieldLimit + 1];
        var read = await reader.ReadBlockAsync(buffer, ct);
        return read > SmallFieldLimit ? null : new string(buffer, 0, read);
    }

    private static StagedUpload? Discard(StagedUpload? upload)
    {
        if (upload is not null) TempFiles.DeleteQuietly(upload.Path);
        return null;
    }
}
