using System.Text;

namespace ActorBlog.Media;

/// <summary>
/// The file name an image is served under: the uploader's name reduced to lowercase letters,
/// digits and dashes, with the extension of the type its bytes are. Safe in a URL path and in
/// Content-Disposition without quoting tricks, and never claiming a type the bytes are not.
/// </summary>
public static class MediaNames
{
    private const int MaxStem = 60;

    public static string Safe(string? uploadedName, ImageKind kind)
    {
        var stem = Path.GetFileNameWithoutExtension(uploadedName ?? "");
        var builder = new StringBuilder(Math.Min(stem.Length, MaxStem));
        foreach (var c in stem.Normalize(NormalizationForm.FormKD).ToLowerInvariant())
        {
            if (builder.Length >= MaxStem) break;
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9') builder.Append(c);
            else if (char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark) continue;
            else if (builder.Length > 0 && builder[^1] != '-') builder.Append('-');
        }
        var safe = builder.ToString().Trim('-');
        return (safe.Length == 0 ? "image" : safe) + "." + kind.Extension;
    }

    /// <summary>True for a name <see cref="Safe"/> could have made: what the serving route accepts.</summary>
    public static bool IsSafe(string name) =>
        name.Length is > 0 and <= MaxStem + 5
        && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.')
        && name.Count(c => c == '.') == 1 && !name.StartsWith('.');
}
