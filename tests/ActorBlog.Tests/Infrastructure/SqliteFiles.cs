using Microsoft.Data.Sqlite;

namespace ActorBlog.Tests.Infrastructure;

public static class SqliteFiles
{
    /// <summary>Creates a real SQLite database with <paramref name="rows"/> rows of varied text, one of them carrying <paramref name="marker"/>.</summary>
    public static void Create(string path, int rows, string marker)
    {
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var tx = connection.BeginTransaction();
            using (var create = connection.CreateCommand())
            {
                create.CommandText = "CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT NOT NULL)";
                create.ExecuteNonQuery();
            }
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO posts (body) VALUES ($body)";
            var body = insert.Parameters.Add("$body", SqliteType.Text);
            var random = new Random(rows);
            for (var i = 0; i < rows; i++)
            {
                body.Value = i == rows / 2
                    ? marker
                    : $"post {i} {Convert.ToBase64String(RandomBytes(random, 48))} lorem ipsum dolor sit amet";
                insert.ExecuteNonQuery();
            }
            tx.Commit();
        }
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    public static long CountRows(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM posts";
        return (long)command.ExecuteScalar()!;
    }
}
