namespace ActorBlog.Host.Web;

/// <summary>application/problem+json answers, so every error body has the same shape.</summary>
public static class Problems
{
    public static IResult Status(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    public static IResult Invalid(IReadOnlyDictionary<string, string[]> errors, string detail = "One or more fields are invalid.") =>
        TypedResults.ValidationProblem(errors, detail: detail, title: "Invalid post");

    public static IResult NotFound(string what) => Status(StatusCodes.Status404NotFound, "Not found", $"No {what}.");
}
