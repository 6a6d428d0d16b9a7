namespace ActorBlog.Backup.Targets;

/// <summary>
/// Where an S3-compatible store is and how to reach it: the one record for it, read from
/// <c>actorblog.backup.s3.*</c> into <c>BackupSettings.S3</c> (keys null) and given its keys from the
/// environment only where a client is made. <see cref="Endpoint"/> is null for AWS itself;
/// DigitalOcean Spaces, MinIO or s3rver set it. Keys left null fall back to the SDK's default
/// credential chain. The defaults below serve code that builds one by hand; the shipped
/// config/actorblog.conf states the same values for operators.
/// </summary>
public sealed record S3TargetOptions(
    string? Endpoint,
    string Region,
    string Bucket,
    string Prefix,
    bool ForcePathStyle,
    string? AccessKey,
    string? SecretKey)
{
    /// <summary>How long one request may take before it is abandoned (the SDK then retries it).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The SDK's own retries of one request; the scheduler's backoff retries the whole backup.</summary>
    public int MaxErrorRetry { get; init; } = 3;

    // The generated ToString would print the secret into any log line that formats the options.
    public override string ToString() =>
        $"S3TargetOptions {{ Endpoint = {Endpoint}, Region = {Region}, Bucket = {Bucket}, Prefix = {Prefix}, " +
        $"ForcePathStyle = {ForcePathStyle}, AccessKey = {(AccessKey is null ? "null" : "***")}, SecretKey = {(SecretKey is null ? "null" : "***")} }}";
}
