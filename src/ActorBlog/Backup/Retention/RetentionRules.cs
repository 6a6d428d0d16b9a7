namespace ActorBlog.Backup.Retention;

/// <summary>How many backups to keep; each count is independent (restic semantics), 0 turns a rule off.</summary>
public sealed record RetentionRules(int KeepLast, int KeepDaily, int KeepWeekly, int KeepMonthly);
