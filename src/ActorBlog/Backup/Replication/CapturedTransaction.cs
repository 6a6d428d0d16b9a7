namespace ActorBlog.Backup.Replication;

/// <summary>
/// One committed transaction of blog.db as page images: applying <see cref="Pages"/> to the
/// database at <see cref="PreviousRevision"/> (and cutting it to <see cref="DatabasePages"/>)
/// gives the database at <see cref="Revision"/>, exactly as a checkpoint would.
/// </summary>
/// <param name="Lineage">The writer run whose commits these are; see <see cref="Lineage"/>.</param>
/// <param name="CommittedAt">Millisecond precision, strictly increasing within a lineage.</param>
public sealed record CapturedTransaction(
    string Lineage, long PreviousRevision, long Revision, DateTimeOffset CommittedAt,
    int PageSize, uint DatabasePages, IReadOnlyList<WalPage> Pages)
{
    /// <summary>Roughly what it holds in memory and in a change object before compression.</summary>
    public long Bytes => 64 + Pages.Count * (long)(PageSize + 4);
}

/// <summary>The writer could not read what it just committed: the stream has a hole from here, and needs a new base.</summary>
public sealed record CaptureFailed(string Lineage, long Revision, string Error);
