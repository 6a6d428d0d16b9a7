namespace ActorBlog.Media;

/// <summary>An image stored in blog.db, without its bytes.</summary>
public sealed record MediaItem(
    long Id,
    string FileName,
    string ContentType,
    long Bytes,
    string Sha256,
    int Width,
    int Height,
    DateTimeOffset CreatedAt)
{
    /// <summary>Where readers get it: <c>/media/{id}/{file-name}</c>.</summary>
    public string Url => MediaUrls.Original(Id, FileName);
}

/// <summary>A smaller copy for pages, made at upload so the reader path never resizes.</summary>
public sealed record MediaVariant(int Width, int Height, string ContentType, byte[] Data, string Sha256);

/// <summary>The URLs images are served under; the renderer and the routes agree through these.</summary>
public static class MediaUrls
{
    /// <summary>
    /// Widths of the copies made for pages: the reading column is 40rem (640 CSS px), so one
    /// fits it and the other fills it on a 2x screen. Narrower images keep only the original.
    /// </summary>
    public static readonly IReadOnlyList<int> VariantWidths = [640, 1280];

    public static string Original(long id, string fileName) => $"/media/{id}/{fileName}";

    public static string Variant(long id, int width, string fileName) => $"/media/{id}/{width}/{fileName}";
}
