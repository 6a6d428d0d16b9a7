using ActorBlog.Posts;

namespace ActorBlog.Host.Web;

/// <summary><c>GET /healthz</c>, without a token: 200 while the blog serves, with the database state.</summary>
public static class Health
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", (PostReader reader) =>
        {
            object database;
            try
            {
                database = new { ok = true, revision = reader.Revision(), posts = reader.Count() };
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                database = new { ok = false, error = e.Message };
            }
            return TypedResults.Ok(new { status = "healthy", database });
        });
        return app;
    }
}
