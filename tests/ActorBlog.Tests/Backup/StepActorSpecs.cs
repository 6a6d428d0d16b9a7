using ActorBlog.Backup;
using ActorBlog.Backup.Restore;
using ActorBlog.Backup.Targets;
using ActorBlog.Backup.Upload;
using Akka.Actor;
using Akka.TestKit.Xunit2;

namespace ActorBlog.Tests.Backup;

/// <summary>What a step actor opens it closes: a stopped (or restarted) step leaves no client to the store behind.</summary>
public sealed class StepActorSpecs() : TestKit("akka.test.single-expect-default = 30s") // a bound for a loaded machine, not a pause
{
    // A real S3 client; nothing listens there, and nothing here sends a request before the stop.
    private static S3TargetOptions Options => new("http://127.0.0.1:9", "us-east-1", "bucket", "p", true, "key", "secret");

    private void StopAndWait(IActorRef actor)
    {
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
    }

    [Fact]
    public async Task A_stopped_upload_actor_has_disposed_its_store_client()
    {
        BackupCatalog? made = null;
        var upload = Sys.ActorOf(UploadActor.Props(() => made = new BackupCatalog(new S3BackupTarget(Options), "p"), verify: true));
        await AwaitConditionAsync(() => Task.FromResult(made is not null));

        StopAndWait(upload);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => made!.Target.ListKeysAsync("p/", CancellationToken.None));
    }

    [Fact]
    public async Task A_stopped_drill_actor_has_disposed_its_store_client()
    {
        BackupCatalog? made = null;
        var drill = Sys.ActorOf(RestoreDrillActor.Props(new RestoreDrillActor.Options(
            () => made = new BackupCatalog(new S3BackupTarget(Options), "p"), null, Path.GetTempPath())));
        await AwaitConditionAsync(() => Task.FromResult(made is not null));

        StopAndWait(drill);

        await Assert.ThrowsAsync<ObjectDisposedException>(() => made!.Target.ListKeysAsync("p/", CancellationToken.None));
    }
}
