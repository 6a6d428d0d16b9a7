using System.Text;
using System.Text.RegularExpressions;

namespace ActorBlog.Posts;

/// <summary>The contract's rules for a post, checked before anything reaches the database.</summary>
public static partial class PostValidation
{
    public const int MaxTitleLength = 200;
    public const int MaxSlugLength = 100;
    public const int MaxMarkdownBytes = 512 * 1024;
    public const int MaxTags = 20;

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex("^[a-z0-9-]{1,40}$")]
    private static partial Regex TagPattern();

    public static bool IsValidSlug(string slug) => slug.Length <= MaxSlugLength && SlugPattern().IsMatch(slug);

    public static bool IsValidTag(string tag) => TagPattern().IsMatch(tag);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2}))?$", RegexOptions.IgnoreCase)]
    private static partial Regex IsoTime();

    /// <summary>
    /// Checks an input. Missing optional fields keep their stored values on an update; title and
    /// markdown are required too, except in a <paramref name="partial"/> update (PATCH).
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> Validate(PostInput input, bool partial = false)
    {
        var errors = new Dictionary<string, string[]>();

        if (input.Title is null)
        {
            if (!partial) errors["title"] = ["title is required"];
        }
        else if (input.Title.Trim().Length == 0)
            errors["title"] = ["title is required"];
        else if (input.Title.Trim().Length > MaxTitleLength)
            errors["title"] = [$"title must be at most {MaxTitleLength} characters"];
        else if (input.Title.Any(char.IsControl))
            errors["title"] = ["title must not contain control characters"];

        if (input.Slug is not null && !IsValidSlug(input.Slug))
            errors["slug"] = [$"slug must match ^[a-z0-9]+(-[a-z0-9]+)*$ and be at most {MaxSlugLength} characters"];

        if (input.Markdown is null)
        {
            if (!partial) errors["markdown"] = ["markdown is required"];
        }
        else if (Encoding.UTF8.GetByteCount(input.Markdown) > MaxMarkdownBytes)
            errors["markdown"] = [$"markdown must be at most {MaxMarkdownBytes / 1024} KiB"];
        else if (input.Markdown.Contains('\0'))
            errors["markdown"] = ["markdown must not contain null characters"];

        if (input.Tags is not null)
        {
            var problems = new List<string>();
            if (input.Tags.Count > MaxTags) problems.Add($"at most {MaxTags} tags");
            foreach (var tag in input.Tags)
            {
                if (tag is null || !IsValidTag(tag))
                    problems.Add($"tag '{Printable(tag)}' must match ^[a-z0-9-]{{1,40}}$");
            }
            if (problems.Count > 0) errors["tags"] = [.. problems.Take(5)];
        }

        if (input.Status is not null && ParseStatus(input.Status) is null)
            errors["status"] = ["status must be draft or published"];

        if (input.PublishedAt is not null && ParsePublishedAt(input.PublishedAt) is null)
            errors["publishedAt"] = ["publishedAt must be an ISO-8601 time with its zone, e.g. 2019-05-01T09:30:00Z, or a date, 2019-05-01"];

        return errors;
    }

    public static PostStatus? ParseStatus(string? status) => status switch
    {
        "draft" => PostStatus.Draft,
        "published" => PostStatus.Published,
        _ => null,
    };

    /// <summary>An ISO-8601 time with Z or an offset, or a date (midnight UTC); null when it is neither.</summary>
    public static DateTimeOffset? ParsePublishedAt(string? text) =>
        text is not null && IsoTime().IsMatch(text) && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : null;

    public static string ToApiString(this PostStatus status) => status == PostStatus.Published ? "published" : "draft";

    /// <summary>Normalizes tags once validated: duplicates dropped, order kept.</summary>
    public static IReadOnlyList<string> NormalizeTags(IReadOnlyList<string>? tags) =>
        tags is null ? [] : tags.Distinct(StringComparer.Ordinal).ToArray();

    private static string Printable(string? s)
    {
        if (s is null) return "null";
        var clean = new string(s.Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return s.Length > 40 ? clean + "…" : clean;
    }
}
