using ActorBlog.Backup;
using Akka.TestKit.Xunit2;

namespace ActorBlog.Tests.Backup;

/// <summary>A step's work stops when it is called off or its actor stops, and its answer still comes back.</summary>
public sealed class StepWorkSpecs() : TestKit("akka.test.single-expect-default = 30s") // a bound for a loaded machine, not a pause
{
    private static async Task<object> UntilCancelled(CancellationToken ct)
    {
        await Task.Delay(Timeout.Infinite, ct);
        return "finished";
    }

    private static object Describe(Exception e) => e is OperationCanceledException ? "cancelled" : e.Message;

    [Fact]
    public void Calling_off_a_job_cancels_its_token_and_only_that_jobs()
    {
        var work = new StepWork();
        work.Run(TestActor, TestActor, "a", UntilCancelled, Describe);
        work.Run(TestActor, TestActor, "b", async ct => { await Task.Yield(); return ct.IsCancellationRequested ? "b cancelled" : "b done"; }, Describe);

        var b = ExpectMsg<StepWork.Done>();
        Assert.Equal("b done", work.End(b));
        work.Cancel("a");

        var a = ExpectMsg<StepWork.Done>();
        Assert.Equal("a", a.Job.Id);
        Assert.Equal("cancelled", work.End(a));
        Assert.Equal(TestActor, a.ReplyTo);
    }

    [Fact]
    public void Disposing_cancels_everything_still_running()
    {
        var work = new StepWork();
        work.Run(TestActor, TestActor, "a", UntilCancelled, Describe);
        work.Run(TestActor, TestActor, "b", UntilCancelled, Describe);

        work.Dispose(); // what PostStop does

        Assert.Equal(["cancelled", "cancelled"], new[] { ExpectMsg<StepWork.Done>().Result, ExpectMsg<StepWork.Done>().Result });
    }
}
