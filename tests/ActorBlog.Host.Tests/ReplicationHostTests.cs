using System.Collections;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;

namespace ActorBlog.Host.Tests;

/// <summary>The running host against a real s3rver behind a loopback proxy that counts, or fails, what reaches the store.</summary>
[Collection(S3rverCollection.Name)]
public sealed class ReplicationHostTests(S3rverFixture s3)
{
    private int _requests;

    private async Task<(TestHost Host, FaultProxy Proxy)> StartAsync(string mode, string extra = "")
    {
        var proxy = await FaultProxy.StartAsync(s3.Endpoint);
        proxy.Inject = r =>
        {
            Interlocked.Increment(ref _requests);
            return Fault.Pass;
        };
        var env = new Hashtable(s3.ProgramEnvironment(proxy.Endpoint)) { ["ACTORBLOG_REPLICATION_MODE"] = mode };
        var host = await TestHost.StartAsync($$"""
            actorblog.backup {
              interval = 1h
              drill.interval = off
              s3 { force-path-style = on, prefix = "replication-{{Guid.NewGuid():N}}", timeout = 2s, max-error-retry = 0 }
              supervision { min-backoff = 200ms, max-backoff = 1s }
            }
            actorblog.replication.interval = 1s
            {{extra}}
            """, env);
        return (host, proxy);
    }

    /// <summary>The replication state; polled again while the scheduler is too busy to answer (the API then sends no body).</summary>
    private static async Task<JsonElement> ReplicationAsync(TestHost host)
    {
        var text = await Eventually.Until(() => host.Client.GetStringAsync("/api/backups/status"), t => t.Length > 0, TimeSpan.FromMinutes(1), "a backup state");
        return JsonDocument.Parse(text).RootElement.GetProperty("replication").Clone();
    }

    private static Task<JsonElement> ShippedAsync(TestHost host, long revision) =>
        Eventually.Until(() => ReplicationAsync(host),
            r => r.GetProperty("shippedRevision") is { ValueKind: JsonValueKind.Number } s && s.GetInt64() >= revision && r.GetProperty("pendingCommits").GetInt32() == 0,
            TimeSpan.FromMinutes(1), $"revision {revision} shipped");

    /// <summary>Posts until the write is acknowledged (a first sync write also waits for the lineage's base); returns the revision after it.</summary>
    private static async Task<long> PostAsync(TestHost host, string title)
    {
        await Eventually.Until(async () => (await host.Client.PostAsJsonAsync("/api/posts", new { title, markdown = "x", status = "published" })).StatusCode,
            code => code == HttpStatusCode.Created, TimeSpan.FromMinutes(2), $"'{title}' acknowledged");
        return (await host.Client.GetFromJsonAsync<JsonElement>("/healthz")).GetProperty("database").GetProperty("revision").GetInt64();
    }

    [Fact]
    public async Task An_idle_blog_sends_no_request_to_the_store_and_a_write_is_shipped_within_the_interval()
    {
        var (host, proxy) = await StartAsync("async");
        await using var _ = host;
        await using var __ = proxy;
        Assert.Equal(JsonValueKind.Null, (await ReplicationAsync(host)).GetProperty("shippedRevision").ValueKind); // nothing written yet
        var revision = await PostAsync(host, "Shipped once"); // the lineage's first commit: a base backup, then its change
        var state = await ShippedAsync(host, revision);
        revision = await PostAsync(host, "Shipped twice");
        state = await ShippedAsync(host, revision);
        Assert.Equal("async", state.GetProperty("mode").GetString());
        Assert.Equal(JsonValueKind.Null, state.GetProperty("lastError").ValueKind);

        var before = Volatile.Read(ref _requests);
        // The observation itself: three intervals in which nothing is written must cost nothing.
        await Task.Delay(TimeSpan.FromSeconds(3));
        await host.Client.GetAsync("/"); // readers do not count either
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal(before, Volatile.Read(ref _requests));
    }

    [Fact]
    public async Task In_sync_mode_writes_answer_503_while_the_store_is_unreachable_readers_are_served_and_writes_work_again_after()
    {
        var (host, proxy) = await StartAsync("sync", "actorblog.store.write-timeout = 5s");
        await using var _ = host;
        await using var __ = proxy;
        var revision = await PostAsync(host, "Before the outage");
        Assert.True((await ReplicationAsync(host)).GetProperty("shippedRevision").GetInt64() >= revision, "a sync write is answered only once shipped");

        proxy.Inject = _ => Fault.Status503;
        var during = await host.Client.PostAsJsonAsync("/api/posts", new { title = "During the outage", markdown = "x" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/posts/before-the-outage")).StatusCode);
        var degraded = await Eventually.Until(() => host.Client.GetFromJsonAsync<JsonElement>("/healthz"),
            h => h.GetProperty("status").GetString() == "degraded", TimeSpan.FromMinutes(1), "healthz degraded");
        Assert.Equal(JsonValueKind.String, degraded.GetProperty("backup").GetProperty("replication").GetProperty("lastError").ValueKind);

        proxy.Inject = r =>
        {
            Interlocked.Increment(ref _requests);
            return Fault.Pass;
        };
        await PostAsync(host, "After the outage");
        await Eventually.Until(() => host.Client.GetFromJsonAsync<JsonElement>("/healthz"),
            h => h.GetProperty("status").GetString() == "healthy", TimeSpan.FromMinutes(1), "healthz healthy again");
    }
}
