namespace ActorBlog.Media;

/// <summary>One of the four image types the blog stores, told apart by their first bytes alone.</summary>
public sealed record ImageKind(string ContentType, string Extension)
{
    public static readonly ImageKind Png = new("image/png", "png");
    public static readonly ImageKind Jpeg = new("image/jpeg", "jpg");
    public static readonly ImageKind Gif = new("image/gif", "gif");
    public static readonly ImageKind WebP = new("image/webp", "webp");

    /// <summary>How many leading bytes <see cref="Identify"/> needs.</summary>
    public const int SignatureLength = 12;

    /// <summary>
    /// The type the bytes say, or null. The name and the declared Content-Type are never asked:
    /// an SVG called photo.png is still text that can carry script, and is refused.
    /// </summary>
    public static ImageKind? Identify(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return Png;
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) return Jpeg;
        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8)) return Gif;
        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return WebP;
        return null;
    }
}
