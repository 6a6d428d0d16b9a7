using System.Security.Cryptography;
using ActorBlog.Posts;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Tests.Infrastructure;

/// <summary>Looks at and makes real database files; shared by both test projects.</summary>
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

    /// <summary>The titles of every post in a blog database file, in id order.</summary>
    public static List<string> PostTitles(string dbPath)
    {
        using var connection = new SqliteConnection($"Data Source={dbPath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT title FROM posts ORDER BY id";
        var titles = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) titles.Add(reader.GetString(0));
        return titles;
    }

    /// <summary>
    /// A blog of about <paramref name="megabytes"/> MB of random, hard-to-compress drafts: big enough that
    /// a backup of it can be caught in flight, or that its encoded form needs a multipart upload.
    /// </summary>
    public static void SeedIncompressibleBlog(string dbPath, int megabytes, int seed = 42)
    {
        var database = new BlogDatabase(dbPath, TimeSpan.FromSeconds(5));
        database.Migrate();
        using var connection = database.OpenWriter();
        using (var transaction = connection.BeginTransaction())
        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO posts (slug, title, markdown, html, status, created_at, updated_at, published_at, version)
                VALUES ($slug, $slug, $body, '', 'draft', '2026-01-01T00:00:00.0000000Z', '2026-01-01T00:00:00.0000000Z', NULL, 1)
                """;
            var slug = insert.Parameters.Add("$slug", SqliteType.Text);
            var body = insert.Parameters.Add("$body", SqliteType.Blob);
            var random = new Random(seed);
            var bytes = new byte[64 * 1024];
            for (var i = 0; i < megabytes * 16; i++)
            {
                random.NextBytes(bytes);
                slug.Value = $"p{i}";
                body.Value = bytes;
                insert.ExecuteNonQuery();
            }
            transaction.Commit();
        }
        BlogDatabase.Checkpoint(connection);
    }
}
