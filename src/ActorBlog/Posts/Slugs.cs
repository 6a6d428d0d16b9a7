using System.Globalization;
using System.Text;

namespace ActorBlog.Posts;

/// <summary>Derives a URL slug from a title: "Héllo, World!" becomes "hello-world".</summary>
public static class Slugs
{
    public static string FromTitle(string title)
    {
        var sb = new StringBuilder(title.Length);
        var dash = false;
        foreach (var c in title.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            var lower = char.ToLowerInvariant(c);
            if (lower is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                if (dash && sb.Length > 0) sb.Append('-');
                sb.Append(lower);
                dash = false;
            }
            else
            {
                dash = true;
            }
            if (sb.Length >= PostValidation.MaxSlugLength) break;
        }
        var slug = sb.ToString(0, Math.Min(sb.Length, PostValidation.MaxSlugLength)).Trim('-');
        return slug.Length == 0 ? "post" : slug;
    }

    /// <summary>The n-th alternative when a derived slug is taken: "hello-world-2", cut to fit.</summary>
    public static string WithSuffix(string slug, int n)
    {
        var suffix = "-" + n.ToString(CultureInfo.InvariantCulture);
        var head = slug.Length + suffix.Length > PostValidation.MaxSlugLength
            ? slug[..(PostValidation.MaxSlugLength - suffix.Length)].TrimEnd('-')
            : slug;
        return head + suffix;
    }
}
