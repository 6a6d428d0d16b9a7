namespace ActorBlog.Host.Tests.Infrastructure;

/// <summary>Polls a condition until it holds or a deadline passes: waiting for an outcome, never for a guessed duration.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        T last;
        do
        {
            last = await probe();
            if (condition(last)) return last;
            await Task.Delay(50);
        } while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"{what ?? "condition"} did not hold in time; last value: {last}");
    }
}
