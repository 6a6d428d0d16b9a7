using Akka.Configuration;

namespace ActorBlog.Configuration;

/// <summary>Limits on uploaded images (actorblog.media), read and checked once at start-up.</summary>
public sealed record MediaSettings(long MaxBytes, long MaxPixels)
{
    public static MediaSettings Create(Config config)
    {
        const string p = "actorblog.media";
        var maxBytes = ByteSize(config, $"{p}.max-bytes");
        if (maxBytes is < 1024 or > 1024L * 1024 * 1024)
            throw new SettingsException($"{p}.max-bytes", $"{maxBytes} bytes is outside 1KiB..1GiB");
        var maxPixels = HoconReader.Long(config, $"{p}.max-pixels", 1, 1_000_000_000);
        return new MediaSettings(maxBytes, maxPixels);
    }

    /// <summary>A HOCON size such as <c>10MiB</c>, <c>500kB</c> or a plain number of bytes.</summary>
    private static long ByteSize(Config config, string key)
    {
        var raw = HoconReader.String(config, key);
        try
        {
            return ByteSizes.Parse(raw);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new SettingsException(key, $"'{raw}' is not a size such as 10MiB ({e.Message})");
        }
    }
}
