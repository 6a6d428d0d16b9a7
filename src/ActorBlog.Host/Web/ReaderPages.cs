namespace ActorBlog.Host.Web;

/// <summary>Placeholder until the reader pages land.</summary>
public static class ReaderPages
{
    public static IEndpointRouteBuilder MapReaderPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => "ActorBlog");
        return app;
    }
}
