using System.Security.Cryptography;
using SkiaSharp;

namespace ActorBlog.Media;

/// <summary>Why an upload was not stored: a type the blog does not take, or an image that is not whole.</summary>
public enum RefusalKind { NotAnImage, Undecodable, TooManyPixels }

public sealed record ImageRefusal(RefusalKind Kind, string Message);

/// <summary>
/// Decides whether a staged upload is an image the blog stores: the type from its bytes, the size
/// from its header (checked against the pixel limit before anything is decoded, so a tiny file
/// claiming 100000 x 100000 pixels costs nothing), then one full decode, which both proves the
/// file whole (a truncated JPEG fails here) and gives the bitmap the page-sized copies are made from.
/// SkiaSharp: MIT, Google's Skia, native code shipped inside the NuGet package (the
/// NoDependencies build needs no fontconfig), so a fresh machine restores and runs it as is.
/// </summary>
public sealed class ImageInspector(long maxPixels)
{
    private const int JpegQuality = 82;
    private const int WebPQuality = 80;

    public (StagedImage? Image, ImageRefusal? Refusal) Inspect(string path, string? uploadedName, long bytes, string sha256)
    {
        var kind = Sniff(path);
        if (kind is null)
            return (null, new ImageRefusal(RefusalKind.NotAnImage, "Only PNG, JPEG, GIF and WebP images are stored (recognised by their bytes, not their name)."));

        using var codec = SKCodec.Create(path, out var opened);
        if (codec is null || opened != SKCodecResult.Success)
            return (null, new ImageRefusal(RefusalKind.Undecodable, $"The {kind.Extension.ToUpperInvariant()} file has no readable header ({opened})."));

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0 || (long)width * height > maxPixels)
            return (null, new ImageRefusal(RefusalKind.TooManyPixels,
                $"The image claims {width} x {height} pixels; at most {maxPixels:N0} pixels are accepted."));

        using var bitmap = Decode(codec, out var decoded);
        if (bitmap is null)
            return (null, new ImageRefusal(RefusalKind.Undecodable,
                $"The {kind.Extension.ToUpperInvariant()} file does not decode whole ({Describe(decoded)}); nothing was stored."));

        var turned = Rotates(codec.EncodedOrigin);
        var variants = kind == ImageKind.Gif ? [] : MakeVariants(bitmap, codec.EncodedOrigin, kind);
        return (new StagedImage(path, MediaNames.Safe(uploadedName, kind), kind, bytes, sha256,
            turned ? height : width, turned ? width : height, variants), null);
    }

    private static ImageKind? Sniff(string path)
    {
        Span<byte> head = stackalloc byte[ImageKind.SignatureLength];
        using var file = File.OpenRead(path);
        var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return ImageKind.Identify(head[..read]);
    }

    /// <summary>
    /// Decodes every pixel, at the smallest size the codec offers that still covers the widest copy
    /// (JPEG decodes at 1/2, 1/4, 1/8 for free), so a large photo never sits in memory at full size.
    /// </summary>
    private static SKBitmap? Decode(SKCodec codec, out SKCodecResult result)
    {
        var info = codec.Info;
        var widest = MediaUrls.VariantWidths[^1];
        var size = info.Size;
        if (info.Width > widest)
        {
            var scaled = codec.GetScaledDimensions((float)widest / info.Width);
            if (scaled.Width >= widest) size = scaled;
        }
        var target = new SKImageInfo(size.Width, size.Height, SKImageInfo.PlatformColorType,
            info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul);
        var bitmap = new SKBitmap();
        if (!bitmap.TryAllocPixels(target))
        {
            bitmap.Dispose();
            result = SKCodecResult.InternalError;
            return null;
        }
        result = codec.GetPixels(target, bitmap.GetPixels());
        if (result == SKCodecResult.Success) return bitmap;
        bitmap.Dispose();
        return null;
    }

    private static IReadOnlyList<MediaVariant> MakeVariants(SKBitmap decoded, SKEncodedOrigin origin, ImageKind kind)
    {
        using var upright = Orient(decoded, origin);
        var source = upright ?? decoded;
        var variants = new List<MediaVariant>();
        foreach (var width in MediaUrls.VariantWidths)
        {
            if (width >= source.Width) break;
            var height = Math.Max(1, (int)Math.Round((double)source.Height * width / source.Width));
            using var resized = source.Resize(new SKImageInfo(width, height, source.ColorType, source.AlphaType),
                new SKSamplingOptions(SKCubicResampler.Mitchell));
            if (resized is null) continue;
            var (format, quality, type) = kind == ImageKind.Jpeg
                ? (SKEncodedImageFormat.Jpeg, JpegQuality, ImageKind.Jpeg.ContentType)
                : (SKEncodedImageFormat.Webp, WebPQuality, ImageKind.WebP.ContentType);
            using var data = resized.Encode(format, quality);
            if (data is null) continue;
            var bytes = data.ToArray();
            variants.Add(new MediaVariant(width, height, type, bytes, Convert.ToHexStringLower(SHA256.HashData(bytes))));
        }
        return variants;
    }

    private static bool Rotates(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>
    /// Phones store photos sideways with an EXIF note; browsers honour the note on the original, and
    /// the re-encoded copies carry no EXIF, so they are turned upright here. Null when already upright.
    /// </summary>
    private static SKBitmap? Orient(SKBitmap source, SKEncodedOrigin origin)
    {
        var degrees = origin switch
        {
            SKEncodedOrigin.RightTop => 90,
            SKEncodedOrigin.BottomRight => 180,
            SKEncodedOrigin.LeftBottom => 270,
            _ => 0,
        };
        if (degrees == 0) return null;
        var (w, h) = degrees == 180 ? (source.Width, source.Height) : (source.Height, source.Width);
        var rotated = new SKBitmap(new SKImageInfo(w, h, source.ColorType, source.AlphaType));
        using var canvas = new SKCanvas(rotated);
        canvas.Translate(w / 2f, h / 2f);
        canvas.RotateDegrees(degrees);
        canvas.Translate(-source.Width / 2f, -source.Height / 2f);
        canvas.DrawBitmap(source, 0, 0);
        return rotated;
    }

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "it ends early: truncated",
        SKCodecResult.ErrorInInput => "its data is corrupt",
        SKCodecResult.InternalError => "not enough memory to decode it",
        _ => result.ToString(),
    };
}
