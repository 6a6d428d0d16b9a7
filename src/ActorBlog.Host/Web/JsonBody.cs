using System.Text.Json;
using System.Text.Json.Serialization;

namespace ActorBlog.Host.Web;

/// <summary>
/// Reads a JSON request body strictly: JSON content type, at most <see cref="MaxBytes"/>, no
/// duplicate or unknown properties, bounded depth. Every failure becomes a clear problem answer.
/// </summary>
public static partial class JsonBody
{
    public const long MaxBytes = 1024 * 1024;

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        AllowDuplicateProperties = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 8,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    /// <returns>The value, or the problem to answer with.</returns>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (request.ContentLength > MaxBytes) return (null, TooLarge());
        if (!request.HasJsonContentType())
            return (null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                "Send the body as application/json."));
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, ct);
            return value is null
                ? (null, Problems.Status(StatusCodes.Status400BadRequest, "Malformed JSON", "The body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException e) when (UnmappedProperty().Match(e.Message) is { Success: true } unknown)
        {
            var name = unknown.Groups[1].Value is { Length: > 64 } long_ ? long_[..64] + "…" : unknown.Groups[1].Value;
            return (null, TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [name] = [$"unknown field `{name}`"] }, detail: $"unknown field `{name}`", title: "Malformed JSON"));
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            var detail = $"The body is not valid JSON for a post ({FirstSentence(e.Message)}).";
            return (null, TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [field] = [FirstSentence(e.Message)] }, detail: detail, title: "Malformed JSON"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
    }

    private static IResult TooLarge() => Problems.Status(StatusCodes.Status413PayloadTooLarge, "Payload too large",
        $"The body must be at most {MaxBytes / 1024} KiB.");

    // System.Text.Json's words for a key no field takes (JsonUnmappedMemberHandling.Disallow).
    [System.Text.RegularExpressions.GeneratedRegex(@"^The JSON property '(.*)' could not be mapped to any \.NET member")]
    private static partial System.Text.RegularExpressions.Regex UnmappedProperty();

    [System.Text.RegularExpressions.GeneratedRegex(@" (during deserialization )?(of|contained in) type '[^']*'")]
    private static partial System.Text.RegularExpressions.Regex TypeClauses();

    [System.Text.RegularExpressions.GeneratedRegex(@"(ActorBlog|System)(\.[A-Za-z0-9_`\[\]]+)+")]
    private static partial System.Text.RegularExpressions.Regex TypeNames();

    // System.Text.Json's messages say what is wrong, but in .NET type names; the author should see neither those nor our internals.
    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        var sentence = end > 0 ? message[..end] : message.TrimEnd('.');
        sentence = TypeClauses().Replace(sentence, "");
        return TypeNames().Replace(sentence, m => m.Value[(m.Value.LastIndexOf('.') + 1)..] switch
        {
            "String" => "text",
            "PostInput" => "a post object",
            "Int32" or "Int64" => "a number",
            "Boolean" => "true or false",
            _ => "a value",
        });
    }
}
