using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Host.Tests;

/// <summary>/healthz on ASP.NET Core health checks, and the liveness/readiness split container platforms probe.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Live_and_ready_answer_200_on_a_serving_blog_and_healthz_keeps_the_contracts_body()
    {
        await using var host = await TestHost.StartAsync("actorblog.backup.enabled = off");
        using var anonymous = host.NewClient(token: null);

        var live = await anonymous.GetAsync("/healthz/live");
        var ready = await anonymous.GetAsync("/healthz/ready");
        var health = await anonymous.GetFromJsonAsync<JsonElement>("/healthz");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (live.StatusCode, ready.StatusCode));
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("database").GetProperty("ok").GetBoolean());
        Assert.Equal(0, health.GetProperty("database").GetProperty("posts").GetInt32());
        Assert.Equal("file", health.GetProperty("backup").GetProperty("target").GetString());
    }

    [Fact]
    public async Task A_database_that_cannot_be_read_makes_the_blog_unready_but_still_alive()
    {
        await using var host = await TestHost.StartAsync("actorblog.backup.enabled = off");
        using var anonymous = host.NewClient(token: null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz/ready")).StatusCode);

        // Damage the schema from outside: every read of the revision fails from now on.
        using (var connection = new SqliteConnection($"Data Source={host.Options.Blog.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE meta";
            drop.ExecuteNonQuery();
        }
        var ready = await anonymous.GetAsync("/healthz/ready");
        var live = await anonymous.GetAsync("/healthz/live");
        var health = await anonymous.GetAsync("/healthz");
        var body = await health.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("degraded", body.GetProperty("status").GetString());
        Assert.False(body.GetProperty("database").GetProperty("ok").GetBoolean());
        Assert.Contains("meta", body.GetProperty("database").GetProperty("error").GetString());
    }
}
