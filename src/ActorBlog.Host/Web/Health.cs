using ActorBlog.Backup.Replication;
using ActorBlog.Backup.Scheduling;
using ActorBlog.Posts;
using Akka.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorBlog.Host.Web;

/// <summary>
/// Health on ASP.NET Core's health checks, without a token:
/// <c>/healthz</c> is the contract's: 200 while the blog serves, with the database and backup
/// state; <c>degraded</c> means backups fail, the last restore drill failed, or shipping changes fails; readers are still served.
/// <c>warnings</c> lists standing risks to the backups that are not failures (never <c>degraded</c>).
/// <c>/healthz/live</c> answers 200 while the process answers at all (a liveness probe: restart me if not).
/// <c>/healthz/ready</c> answers 200 while the database can be read, else 503 (a readiness probe:
/// send readers elsewhere). Failing backups never make the blog unready: it still serves.
/// </summary>
public static class Health
{
    private const string Ready = "ready";
    private const string Body = "body";

    public static IServiceCollection AddBlogHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseCheck>("database", tags: [Ready])
            .AddCheck<BackupCheck>("backup");
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            ResponseWriter = WriteStateAsync,
            ResultStatusCodes = { [HealthStatus.Degraded] = StatusCodes.Status200OK, [HealthStatus.Unhealthy] = StatusCodes.Status200OK },
        });
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready) });
        return app;
    }

    private static Task WriteStateAsync(HttpContext context, HealthReport report)
    {
        var status = report.Status == HealthStatus.Healthy ? "healthy" : "degraded";
        var database = report.Entries["database"].Data[Body];
        var backup = report.Entries["backup"].Data.GetValueOrDefault(Body) as BackupStatus; // null while the scheduler restarts
        var warnings = backup?.Warnings ?? [];
        return TypedResults.Ok(new { status, warnings, database, backup }).ExecuteAsync(context);
    }

    private sealed class DatabaseCheck(PostReader reader) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
        {
            try
            {
                var body = new { ok = true, revision = reader.Revision(), posts = reader.Count() };
                return Task.FromResult(HealthCheckResult.Healthy(data: new Dictionary<string, object> { [Body] = body }));
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
            {
                var body = new { ok = false, error = e.Message };
                return Task.FromResult(HealthCheckResult.Unhealthy(e.Message, data: new Dictionary<string, object> { [Body] = body }));
            }
        }
    }

    private sealed class BackupCheck(IRequiredActor<BackupScheduler> scheduler, ReplicationMonitor replication) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct)
        {
            var backup = await BackupApi.AskStatus(scheduler, replication, ct);
            if (backup is null) return HealthCheckResult.Degraded("the backup scheduler did not answer");
            var data = new Dictionary<string, object> { [Body] = backup };
            return backup.Degraded ? HealthCheckResult.Degraded("backups fail, the last restore drill failed, or shipping changes fails", data: data)
                : HealthCheckResult.Healthy(data: data);
        }
    }
}
