namespace ActorBlog.Posts;

/// <summary>
/// The database revision as the one writer last committed it, readable without touching SQLite:
/// reader pages use it to know whether a cached page can still be served. Only the PostStore
/// advances it, right after a commit, and it is the only writer of blog.db while the host runs.
/// </summary>
public sealed class RevisionSignal(long initial)
{
    private long _revision = initial;

    public long Current => Volatile.Read(ref _revision);

    internal void Advance(long committed)
    {
        // Commits are answered in order by one actor; Max keeps a late duplicate from going back.
        long seen;
        do
        {
            seen = Volatile.Read(ref _revision);
            if (committed <= seen) return;
        } while (Interlocked.CompareExchange(ref _revision, committed, seen) != seen);
    }
}
