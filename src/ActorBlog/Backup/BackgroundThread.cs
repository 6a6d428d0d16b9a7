using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace ActorBlog.Backup;

/// <summary>
/// Runs a backup's blocking SQLite step (the snapshot's page copy, quick_check) on a thread of its
/// own that ends with the step, optionally at a lower OS priority. The server asks for the lower
/// priority so that on a small machine its writers, woken by a request, get a core at once instead
/// of queueing behind the backup's time slice; the backup still gets every cycle they leave.
/// <para>
/// A thread of its own because on Linux priority is per thread and an unprivileged process cannot
/// raise it back: a pool thread, once lowered, would stay low for whatever it ran next (.NET's
/// Thread.Priority changes nothing on Linux, hence setpriority on the thread's id). For the same
/// reason a low-priority step must not start threads or queue work to the pool: a new thread
/// inherits its creator's priority, and the pool creates its workers on the thread that queues.
/// So the step's outcome is handed back through a wait handle, which a pool wait thread (started
/// by the caller) observes and completes the task from (<see cref="SignalledAsync"/>).
/// </para>
/// </summary>
internal static class BackgroundThread
{
    /// <summary>How much nicer a low-priority step is than the process: at nice 10, a CFS weight of 110 against a writer's 1024.</summary>
    public const int LowPriorityNice = 10;
    private const int MaxNice = 19;

    public static Task<T> Run<T>(string name, bool lowPriority, Func<T> step)
    {
        T result = default!;
        Exception? failure = null;
        var finished = new ManualResetEvent(false);
        var thread = new Thread(() =>
        {
            try
            {
                if (lowPriority) TryLowerPriority();
                result = step();
            }
            catch (Exception e)
            {
                failure = e;
            }
            finished.Set();
        })
        {
            IsBackground = true,
            Name = name,
        };
        try
        {
            thread.Start(); // a thread that cannot start throws here, to the caller, rather than into a task nobody finishes
        }
        catch
        {
            finished.Dispose();
            throw;
        }
        return Outcome();

        async Task<T> Outcome()
        {
            using (finished)
                await SignalledAsync(finished, CancellationToken.None).ConfigureAwait(false);
            if (failure is not null) ExceptionDispatchInfo.Throw(failure);
            return result;
        }
    }

    public static Task Run(string name, bool lowPriority, Action step) =>
        Run(name, lowPriority, () =>
        {
            step();
            return true;
        });

    /// <summary>
    /// Completes once <paramref name="handle"/> is set, as observed by a pool wait thread: how a step
    /// (which must not queue work to the pool) wakes async code. An auto-reset handle is reset by the wait.
    /// </summary>
    internal static async Task SignalledAsync(WaitHandle handle, CancellationToken ct)
    {
        var signalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var registration = ThreadPool.UnsafeRegisterWaitForSingleObject(handle, (_, _) => signalled.TrySetResult(), null, Timeout.Infinite, executeOnlyOnce: true);
        try
        {
            using (ct.UnsafeRegister(_ => signalled.TrySetCanceled(ct), null))
                await signalled.Task.ConfigureAwait(false);
        }
        finally
        {
            registration.Unregister(null);
        }
    }

    /// <summary>The calling thread's nice value, as the kernel holds it; 0 where there is none.</summary>
    internal static int CurrentNice()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        Marshal.SetLastPInvokeError(0);
        var nice = Native.getpriority(Native.PRIO_PROCESS, Native.gettid());
        return nice == -1 && Marshal.GetLastPInvokeError() != 0 ? 0 : nice;
    }

    // Best effort: a step at normal priority is slower for the writers, not wrong.
    private static void TryLowerPriority()
    {
        try
        {
            if (OperatingSystem.IsLinux()) Native.setpriority(Native.PRIO_PROCESS, Native.gettid(), Math.Min(MaxNice, CurrentNice() + LowPriorityNice));
        }
        catch (Exception)
        {
            // no libc to ask: the step runs at the process's priority
        }
    }

    private static class Native
    {
        public const int PRIO_PROCESS = 0; // with a thread id, the thread alone (Linux)

        [DllImport("libc", SetLastError = true)]
        public static extern int setpriority(int which, int who, int prio);

        [DllImport("libc", SetLastError = true)]
        public static extern int getpriority(int which, int who);

        [DllImport("libc")]
        public static extern int gettid();
    }
}
