using Microsoft.Data.Sqlite;

namespace ActorBlog.Posts;

/// <summary>
/// Told by the <see cref="PostWriter"/>, on its thread, about each write transaction: just before
/// it commits (to add its own rows to it) and right after, before the next transaction can begin
/// (replication reads what the commit appended to the WAL here). <see cref="Committed"/> must not
/// throw; a commit it cannot handle is its own problem to report.
/// </summary>
public interface ICommitHook
{
    void Committing(SqliteConnection connection, SqliteTransaction transaction);

    void Committed(SqliteConnection connection, long revision, DateTimeOffset committedAt);
}

/// <summary>
/// Sync replication: the <see cref="PostStore"/> answers a committed write only once the task for
/// its revision completes (the change is stored off the machine). A faulted task means the write
/// is committed here but not shipped: it is answered as unavailable.
/// </summary>
public interface ICommitGate
{
    Task WhenDurable(long revision);
}
