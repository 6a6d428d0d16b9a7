using System.Security.Cryptography;

namespace ActorBlog.Host.Tests.Infrastructure;

public static class Files
{
    /// <summary>SHA-256 of a database file and its WAL, so "unchanged" means every byte SQLite could read.</summary>
    public static string DatabaseFingerprint(string dbPath)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in new[] { dbPath, dbPath + "-wal" })
        {
            if (!File.Exists(path)) continue;
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            hash.AppendData(SHA256.HashData(stream));
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
