using ActorBlog.Backup.Format;
using ActorBlog.Backup.Retention;
using Akka.Actor;

namespace ActorBlog.Backup.Upload;

/// <summary>
/// Puts a staged backup into the target, verifies it, and writes its manifest last; applies
/// retention when told. An upload that fails is answered, and then the actor stops, so its
/// BackoffSupervisor starts a fresh one (with a fresh client to the store) after a pause. Stopping
/// rather than throwing keeps an expected outage out of Akka's error log: the scheduler logs it once.
/// </summary>
public sealed class UploadActor : ReceiveActor
{
    public sealed record Upload(PreparedBackup Backup);

    public sealed record Uploaded(BackupManifest Manifest);

    public sealed record UploadFailed(string Id, string Error);

    public sealed record ApplyRetention(RetentionRules Rules);

    public sealed record RetentionApplied(IReadOnlyList<string> DeletedIds);

    public sealed record RetentionFailed(string Error);

    private sealed record Failed(Upload Request, IActorRef ReplyTo, Exception Cause);

    public UploadActor(Func<BackupCatalog> catalogFactory, bool verify)
    {
        var catalog = catalogFactory();

        Receive<Upload>(upload =>
        {
            var replyTo = Sender;
            BackupJob.UploadAsync(catalog, upload.Backup, verify, CancellationToken.None)
                .PipeTo(Self, replyTo, success: m => new Uploaded(m), failure: e => new Failed(upload, replyTo, e));
        });
        Receive<Uploaded>(uploaded => Sender.Tell(uploaded));
        Receive<Failed>(failed =>
        {
            TempFiles.DeleteQuietly(failed.Request.Backup.EncodedPath);
            var error = BackupErrors.Describe(failed.Cause);
            failed.ReplyTo.Tell(new UploadFailed(failed.Request.Backup.Manifest.Id, error));
            Context.Stop(Self);
        });
        Receive<ApplyRetention>(apply =>
        {
            BackupJob.ApplyRetentionAsync(catalog, apply.Rules, CancellationToken.None)
                .PipeTo(Sender, Self,
                    success: deleted => new RetentionApplied(deleted.Select(m => m.Id).ToList()),
                    failure: e => new RetentionFailed(BackupErrors.Describe(e)));
        });
    }

    public static Props Props(Func<BackupCatalog> catalogFactory, bool verify) =>
        Akka.Actor.Props.Create(() => new UploadActor(catalogFactory, verify));
}
