namespace ActorBlog.Host.Web;

/// <summary>application/problem+json answers, so every error body has the same shape.</summary>
public static class Problems
{
    public static IResult Status(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    public static IResult Invalid(IReadOnlyDictionary<string, string[]> errors, string detail = "One or more fields are invalid.") =>
        TypedResults.ValidationProblem(errors, detail: detail, title: "Invalid post");

    /// <summary>412/428: the body names the post's current version (<c>currentVersion</c>) so a client can retry with it.</summary>
    public static IResult Version(int status, string title, string detail, int currentVersion) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title,
            extensions: new Dictionary<string, object?> { ["currentVersion"] = currentVersion });

    public static IResult NotFound(string what) => Status(StatusCodes.Status404NotFound, "Not found", $"No {what}.");
}
