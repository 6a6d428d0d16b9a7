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

    /// <summary>
    /// Checks an input, for a create and a replace alike: title and markdown are required, slug,
    /// tags and status optional (on a replace the writer keeps the stored values of those left out).
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> Validate(PostInput input)
    {
        var errors = new Dictionary<string, string[]>();

        if (input.Title is null || input.Title.Trim().Length == 0)
            errors["title"] = ["title is required"];
        else if (input.Title.Trim().Length > MaxTitleLength)
            errors["title"] = [$"title must be at most {MaxTitleLength} characters"];
        else if (input.Title.Any(char.IsControl))
            errors["title"] = ["title must not contain control characters"];

        if (input.Slug is not null && !IsValidSlug(input.Slug))
            errors["slug"] = [$"slug must match ^[a-z0-9]+(-[a-z0-9]+)*$ and be at most {MaxSlugLength} characters"];

        if (input.Markdown is null)
            errors["markdown"] = ["markdown is required"];
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

        return errors;
    }

    public static PostStatus? ParseStatus(string? status) => status switch
    {
        "draft" => PostStatus.Draft,
        "published" => PostStatus.Published,
        _ => null,
    };

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
