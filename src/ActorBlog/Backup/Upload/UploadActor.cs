using ActorBlog.Backup.Format;
using ActorBlog.Backup.Retention;
using Akka.Actor;

namespace ActorBlog.Backup.Upload;

/// <summary>
/// Streams a staged, checked snapshot through the encoder into the target, verifies what the store holds, and writes its manifest last (see <see cref="BackupJob.UploadAsync"/>); applies
/// retention when told. An upload that fails is answered, and then the actor stops, so its
/// BackoffSupervisor starts a fresh one (with a fresh client to the store) after a pause. Stopping
/// rather than throwing keeps an expected outage out of Akka's error log: the scheduler logs it once.
/// The store client it made is disposed, and its transfers cancelled, when it stops.
/// </summary>
public sealed class UploadActor : ReceiveActor
{
    public sealed record Upload(PreparedBackup Backup);

    public sealed record Uploaded(BackupManifest Manifest);

    public sealed record UploadFailed(string Id, string Error);

    public sealed record ApplyRetention(RetentionRules Rules);

    public sealed record RetentionApplied(IReadOnlyList<string> DeletedIds);

    public sealed record RetentionFailed(string Error);

    private const string RetentionJob = "retention";
    private readonly StepWork _work = new();
    private readonly BackupCatalog _catalog;

    public UploadActor(Func<BackupCatalog> catalogFactory, bool verify)
    {
        _catalog = catalogFactory();

        Receive<Upload>(upload => _work.Run(Self, Sender, upload.Backup.Id,
            async ct => new Uploaded(await BackupJob.UploadAsync(_catalog, upload.Backup, verify, ct)),
            e =>
            {
                TempFiles.DeleteQuietly(upload.Backup.SnapshotPath);
                return new UploadFailed(upload.Backup.Id, BackupErrors.Describe(e));
            }));
        Receive<ApplyRetention>(apply => _work.Run(Self, Sender, RetentionJob,
            async ct => new RetentionApplied((await BackupJob.ApplyRetentionAsync(_catalog, apply.Rules, ct)).Select(m => m.Id).ToList()),
            e => new RetentionFailed(BackupErrors.Describe(e))));
        Receive<StepWork.Done>(done =>
        {
            var answer = _work.End(done);
            done.ReplyTo.Tell(answer);
            if (answer is UploadFailed) Context.Stop(Self);
        });
        Receive<CancelStep>(cancel => _work.Cancel(cancel.Id));
    }

    public static Props Props(Func<BackupCatalog> catalogFactory, bool verify) =>
        Akka.Actor.Props.Create(() => new UploadActor(catalogFactory, verify));

    protected override void PostStop()
    {
        _work.Dispose();
        _catalog.Dispose();
    }
}
