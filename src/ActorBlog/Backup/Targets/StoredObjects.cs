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
}
