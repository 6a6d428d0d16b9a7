using System.Security.Cryptography;

namespace ActorBlog.Backup.Targets;

/// <summary>Logic over any <see cref="IBackupTarget"/>, written once (as Litestream keeps it beside its replica client).</summary>
public static class StoredObjects
{
    /// <summary>
    /// Reads <paramref name="key"/> back whole and hashes what the store holds: the read-back that
    /// verifies an upload. Damage the target's own checks catch surfaces as <see cref="Format.BackupCorruptException"/>.
    /// </summary>
    public static async Task<(long Bytes, string Sha256)> HashAsync(this IBackupTarget target, string key, CancellationToken ct)
    {
        var stream = await target.OpenReadAsync(key, ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[128 * 1024];
            long total = 0;
            int n;
            while ((n = await stream.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, n);
                total += n;
            }
            return (total, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
    }

    /// <summary>
    /// The read-back that verifies an upload: reads <paramref name="key"/> back whole and compares it
    /// with the <paramref name="storedBytes"/> and <paramref name="sha256"/> that were sent. When it
    /// differs, or the store's own check catches damage first, the object is removed and
    /// <see cref="BackupVerificationException"/> thrown, its message starting with <paramref name="what"/>
    /// and naming a removal that failed too. A store that cannot be read at all throws as it does.
    /// </summary>
    public static async Task VerifyAsync(this IBackupTarget target, string key, long storedBytes, string sha256, string what, CancellationToken ct)
    {
        string? mismatch;
        try
        {
            var (bytes, held) = await target.HashAsync(key, ct).ConfigureAwait(false);
            mismatch = bytes != storedBytes || !string.Equals(held, sha256, StringComparison.OrdinalIgnoreCase)
                ? $"read back from {target.Describe()} as {bytes} bytes sha256 {held}, but {storedBytes} bytes sha256 {sha256} were sent."
                : null;
        }
        catch (Format.BackupCorruptException e)
        {
            // The store's own checksum caught it before ours could: the same failed verification.
            mismatch = $"read back from {target.Describe()} damaged: {e.Message}";
        }
        if (mismatch is null) return;

        // Never leave an unverified object behind. If removing it fails as well, the message says so:
        // a backup's data object without its manifest is listed by nothing, while a change object
        // stays listed and a restore that reaches it reports its checksum, naming it.
        var cleanup = "";
        try
        {
            await target.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            cleanup = $" Removing it failed too: {e.Message}";
        }
        throw new BackupVerificationException($"{what} {mismatch}{cleanup}");
    }
}
