using ActorBlog.Backup;

namespace ActorBlog.Tests.Backup;

public sealed class BackgroundThreadTests
{

    [Fact]
    public async Task A_low_priority_step_runs_niced_on_a_thread_of_its_own_and_leaves_the_callers_priority_alone()
    {
        var callers = BackgroundThread.CurrentNice();

        var (nice, pooled) = await BackgroundThread.Run("test step", lowPriority: true,
            () => (BackgroundThread.CurrentNice(), Thread.CurrentThread.IsThreadPoolThread));

        Assert.Equal(OperatingSystem.IsLinux() ? Math.Min(19, callers + BackgroundThread.LowPriorityNice) : callers, nice);
        Assert.False(pooled);
        Assert.Equal(callers, BackgroundThread.CurrentNice());
        // The pool threads, where the writers run, keep theirs.
        Assert.Equal(callers, await Task.Run(BackgroundThread.CurrentNice));
    }

    [Fact]
    public async Task A_normal_step_keeps_the_processs_priority()
    {
        var callers = BackgroundThread.CurrentNice();
        Assert.Equal(callers, await BackgroundThread.Run("test step", lowPriority: false, BackgroundThread.CurrentNice));
    }

    [Fact]
    public async Task What_a_step_throws_is_what_its_task_throws()
    {
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => BackgroundThread.Run("test step", lowPriority: true, () => throw new InvalidDataException("the copy failed quick_check")));
        Assert.Equal("the copy failed quick_check", e.Message);
    }
}
