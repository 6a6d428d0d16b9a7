using System.Globalization;

namespace ActorBlog.Backup.Replication;

/// <summary>
/// A change object's key, which says everything restore and retention need to plan without reading it:
/// <c>{prefix}/changes/{lineage}/{from}-{to}-{first commit}-{last commit}-{bytes}-{sha256}.chg[.enc]</c>, with
/// revisions as 19 digits (so keys sort by revision) and times as <c>yyyyMMdd'T'HHmmssfff'Z'</c>.
/// <c>from</c> is the revision the object applies to, <c>to</c> the revision after it; <c>bytes</c> and
/// <c>sha256</c> describe the stored object, so an upload the machine did not finish (shorter) is told
/// apart from damage (same length, other bytes).
/// </summary>
public sealed record ChangeKey(string Key, string Lineage, long From, long To, DateTimeOffset FirstCommit, DateTimeOffset LastCommit, long Bytes, string Sha256, bool Encrypted)
{
    public const string Folder = "changes/";
    public const string Suffix = ".chg";
    public const string EncryptedSuffix = ".chg.enc";
    private const string TimeFormat = "yyyyMMdd'T'HHmmssfff'Z'";

    public override string ToString() => Key;

    /// <summary>"{prefix}/changes/" (or "changes/" for a folder target).</summary>
    public static string ListingPrefix(string prefix) => BackupNaming.ListingPrefix(prefix) + Folder;

    public static string LineagePrefix(string prefix, string lineage) => ListingPrefix(prefix) + lineage + "/";

    public static ChangeKey For(string prefix, string lineage, long from, long to, DateTimeOffset first, DateTimeOffset last, long bytes, string sha256, bool encrypted)
    {
        var name = string.Create(CultureInfo.InvariantCulture,
            $"{from:D19}-{to:D19}-{first.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}-{last.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture)}-{bytes}-{sha256}");
        return new ChangeKey(LineagePrefix(prefix, lineage) + name + (encrypted ? EncryptedSuffix : Suffix), lineage, from, to, first, last, bytes, sha256, encrypted);
    }

    /// <summary>The parsed key, or null when <paramref name="key"/> is not a change object's key (temp files, other objects).</summary>
    public static ChangeKey? TryParse(string key)
    {
        var encrypted = key.EndsWith(EncryptedSuffix, StringComparison.Ordinal);
        if (!encrypted && !key.EndsWith(Suffix, StringComparison.Ordinal)) return null;
        var parts = key.Split('/');
        if (parts.Length < 3 || parts[^3] + "/" != Folder || !Replication.Lineage.IsValid(parts[^2])) return null;
        var name = parts[^1][..^(encrypted ? EncryptedSuffix.Length : Suffix.Length)];
        var fields = name.Split('-');
        if (fields.Length != 6 || fields[5].Length != 64 || !fields[5].All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f')) return null;
        if (!long.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var bytes)) return null;
        if (!long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
            || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var to) || to < from)
            return null;
        if (!TryTime(fields[2], out var first) || !TryTime(fields[3], out var last) || last < first) return null;
        return new ChangeKey(key, parts[^2], from, to, first, last, bytes, fields[5], encrypted);
    }

    private static bool TryTime(string text, out DateTimeOffset time)
    {
        time = default;
        if (!DateTime.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc))
            return false;
        time = new DateTimeOffset(utc, TimeSpan.Zero);
        return true;
    }
}
