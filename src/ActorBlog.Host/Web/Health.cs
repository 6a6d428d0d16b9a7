using ActorBlog.Backup.Replication;
using ActorBlog.Backup.Scheduling;
using ActorBlog.Posts;
using Akka.Hosting;

namespace ActorBlog.Host.Web;

/// <summary>
/// <c>GET /healthz</c>, without a token: 200 while the blog serves, with the database and backup
/// state. <c>degraded</c> means backups fail, the last restore drill failed, or shipping changes fails; readers are still served.
/// <c>warnings</c> lists standing risks to the backups that are not failures.
/// </summary>
public static class Health
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async (PostReader reader, IRequiredActor<BackupScheduler> scheduler, ReplicationMonitor replication, CancellationToken ct) =>
        {
            object database;
            var databaseOk = true;
            try
            {
                database = new { ok = true, revision = reader.Revision(), posts = reader.Count() };
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                databaseOk = false;
                database = new { ok = false, error = e.Message };
            }
            var backup = await BackupApi.AskStatus(scheduler, replication, ct);
            var status = databaseOk && backup is { Degraded: false } ? "healthy" : "degraded";
            // Risks that are not failures (backups on the database's own disk): shown, never "degraded".
            var warnings = backup?.Warnings ?? [];
            return TypedResults.Ok(new { status, warnings, database, backup });
        });
        return app;
    }
}
