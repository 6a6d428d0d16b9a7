using ActorBlog.Backup;
using ActorBlog.Backup.Format;
using ActorBlog.Backup.Scheduling;
using ActorBlog.Host.Web;
using Akka.Actor;
using Akka.Hosting;

namespace ActorBlog.Host.Desk;

/// <summary>The backup state, the latest drill, the list of backups, and a button that takes one now.</summary>
public static class DeskBackups
{
    public static RouteGroupBuilder MapDeskBackups(this RouteGroupBuilder desk)
    {
        desk.MapGet("/backups", ShowAsync);
        desk.MapPost("/backups", TakeNowAsync);
        return desk;
    }

    private static async Task<IResult> ShowAsync(string? requested, IRequiredActor<BackupScheduler> scheduler, Backup.Replication.ReplicationMonitor replication,
        BackupCatalog catalog, CancellationToken ct)
    {
        var status = await BackupApi.AskStatus(scheduler, replication, ct);
        IReadOnlyList<BackupManifest> backups = [];
        string? listError = null;
        try
        {
            backups = await catalog.ListAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            listError = BackupErrors.Describe(e);
        }
        return DeskResponses.Page<BackupsPage>(new()
        {
            [nameof(BackupsPage.Status)] = status,
            [nameof(BackupsPage.Backups)] = backups,
            [nameof(BackupsPage.ListError)] = listError,
            [nameof(BackupsPage.Requested)] = requested,
        });
    }

    private static async Task<IResult> TakeNowAsync(IRequiredActor<BackupScheduler> scheduler, CancellationToken ct)
    {
        try
        {
            var accepted = await scheduler.ActorRef.Ask<BackupScheduler.BackupAccepted>(BackupScheduler.BackupNow.Instance, TimeSpan.FromSeconds(5), ct);
            return DeskResponses.SeeOther("/desk/backups?requested=" + Uri.EscapeDataString(accepted.Id));
        }
        catch (AskTimeoutException)
        {
            return DeskResponses.Message(StatusCodes.Status503ServiceUnavailable, "No backup started",
                "The backup scheduler did not answer in time (it may be restarting); try again in a minute.");
        }
    }
}
