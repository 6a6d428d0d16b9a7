using ActorBlog.Backup;
using ActorBlog.Backup.Format;
using ActorBlog.Backup.Replication;
using ActorBlog.Backup.Scheduling;
using Akka.Actor;
using Akka.Hosting;

namespace ActorBlog.Host.Web;

/// <summary>The author's view of backups: take one now, list them, see the state.</summary>
public static class BackupApi
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapBackupApi(this IEndpointRouteBuilder app)
    {
        var backups = app.MapGroup("/api/backups").AddEndpointFilter<BearerTokenFilter>();
        backups.MapPost("/", TakeNow);
        backups.MapGet("/", List);
        backups.MapGet("/status", Status);
        return app;
    }

    private static async Task<IResult> TakeNow(IRequiredActor<BackupScheduler> scheduler, CancellationToken ct)
    {
        try
        {
            var accepted = await scheduler.ActorRef.Ask<BackupScheduler.BackupAccepted>(BackupScheduler.BackupNow.Instance, AskTimeout, ct);
            return TypedResults.Accepted("/api/backups/status", new { id = accepted.Id });
        }
        catch (AskTimeoutException)
        {
            return SchedulerNotAnswering();
        }
    }

    private static async Task<IResult> List(BackupCatalog catalog, CancellationToken ct)
    {
        try
        {
            var backups = await catalog.ListAsync(ct);
            return TypedResults.Ok(backups.Select(BackupEntry.From));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Problems.Status(StatusCodes.Status502BadGateway, "Backup target unavailable", BackupErrors.Describe(e));
        }
    }

    private static async Task<IResult> Status(IRequiredActor<BackupScheduler> scheduler, ReplicationMonitor replication, CancellationToken ct) =>
        await AskStatus(scheduler, replication, ct) is { } status ? TypedResults.Ok(status) : SchedulerNotAnswering();

    // Starting (recovering its journal), restarting after a journal failure, or stalled: say so, never an empty 200.
    private static IResult SchedulerNotAnswering() =>
        Problems.Status(StatusCodes.Status503ServiceUnavailable, "Backup scheduler not answering",
            $"The backup scheduler did not answer within {AskTimeout.TotalSeconds:0} s (starting or restarting); try again shortly.");

    /// <summary>The scheduler's state with the replication state in it, or null while the scheduler restarts.</summary>
    public static async Task<BackupStatus?> AskStatus(IRequiredActor<BackupScheduler> scheduler, ReplicationMonitor replication, CancellationToken ct)
    {
        try
        {
            var status = await scheduler.ActorRef.Ask<BackupStatus>(BackupScheduler.GetStatus.Instance, AskTimeout, ct);
            return status with { Replication = replication.Current };
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }
}
