using System.Globalization;
using System.Security.Cryptography;

namespace ActorBlog.Backup;

/// <summary>
/// Ids and object keys. An id starts with its UTC creation time so ids, and keys within a day
/// folder, sort by age; the random tail keeps two backups in the same millisecond apart, so no
/// backup ever overwrites another.
/// </summary>
public static class BackupNaming
{
    private const string TimeFormat = "yyyyMMdd'T'HHmmssfff'Z'";
    private const int TimeLength = 19; // "20261126T122643123Z"
    private const int SuffixLength = 6;
    public const string ManifestSuffix = ".manifest.json";
    public const string DataSuffix = ".db.zst";
    public const string EncryptedDataSuffix = ".db.zst.enc";

    /// <summary>A new id such as <c>20261126T122643123Z-3fa9c1</c>.</summary>
    public static string NewId(DateTimeOffset createdAt) =>
        $"{createdAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SuffixLength / 2))}";

    /// <summary>The creation time (millisecond precision, UTC) an id carries.</summary>
    public static DateTimeOffset ParseIdTime(string id) =>
        TryParseIdTime(id, out var time) ? time : throw new FormatException($"'{id}' is not a backup id.");

    public static bool TryParseIdTime(string id, out DateTimeOffset time)
    {
        time = default;
        if (id.Length != TimeLength + 1 + SuffixLength || id[TimeLength] != '-')
            return false;
        if (!id.AsSpan(TimeLength + 1).ToString().All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
            return false;
        if (!DateTime.TryParseExact(id.AsSpan(0, TimeLength), TimeFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc))
            return false;
        time = new DateTimeOffset(utc, TimeSpan.Zero);
        return true;
    }

    public static string DataKey(string prefix, string id, bool encrypted) =>
        $"{Folder(prefix, id)}{id}{(encrypted ? EncryptedDataSuffix : DataSuffix)}";

    public static string ManifestKey(string prefix, string id) =>
        $"{Folder(prefix, id)}{id}{ManifestSuffix}";

    /// <summary>The key prefix under which every backup of <paramref name="prefix"/> lives ("" or "prefix/").</summary>
    public static string ListingPrefix(string prefix)
    {
        var trimmed = prefix.Trim('/');
        return trimmed.Length == 0 ? "" : trimmed + "/";
    }

    /// <summary>The id a manifest key names, or null when the key is not a well-formed manifest key.</summary>
    public static string? IdFromManifestKey(string key)
    {
        if (!key.EndsWith(ManifestSuffix, StringComparison.Ordinal))
            return null;
        var name = key[(key.LastIndexOf('/') + 1)..^ManifestSuffix.Length];
        return TryParseIdTime(name, out _) ? name : null;
    }

    private static string Folder(string prefix, string id)
    {
        var time = ParseIdTime(id).UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{ListingPrefix(prefix)}{time:yyyy}/{time:MM}/{time:dd}/");
    }
}
