using System.Collections;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorBlog.Backup;
using ActorBlog.Backup.Targets;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;

namespace ActorBlog.Host.Tests;

/// <summary>
/// A real s3rver behind a loopback proxy that fails requests the way a sick store does. Through
/// every fault the blog keeps serving, the failure shows in the state with its cause, nothing is
/// deleted, no staging file is left, and once the fault is gone the next backup verifies.
/// </summary>
[Collection(S3rverCollection.Name)]
public sealed class StoreFaultTests(S3rverFixture s3)
{
    private static bool IsPut(HttpRequest r) => r.Method == "PUT" && !r.Query.ContainsKey("partNumber");
    private static bool IsDataGet(HttpRequest r) => r.Method == "GET" && r.Path.Value!.EndsWith(BackupNaming.DataSuffix, StringComparison.Ordinal);
    private static bool IsListing(HttpRequest r) => r.Method == "GET" && r.Query.ContainsKey("list-type");

    public static TheoryData<string> Faults => ["500 on PUT", "503 on GET", "503 on the read-back of an unconfirmed upload", "stall on PUT", "connection cut on PUT", "500 on everything"];

    private static Func<HttpRequest, Fault> Injection(string fault) => fault switch
    {
        "500 on PUT" => r => IsPut(r) ? Fault.Status500 : Fault.Pass,
        "503 on GET" or "503 on the read-back of an unconfirmed upload" => r => IsDataGet(r) ? Fault.Status503 : Fault.Pass,
        "stall on PUT" => r => IsPut(r) ? Fault.Stall : Fault.Pass,
        "connection cut on PUT" => r => IsPut(r) ? Fault.Abort : Fault.Pass,
        "500 on everything" => _ => Fault.Status500,
        _ => throw new ArgumentOutOfRangeException(nameof(fault)),
    };

    private async Task<(TestHost Host, FaultProxy Proxy, string Prefix)> StartAsync(string? root = null, bool verifyAfterUpload = false)
    {
        var proxy = await FaultProxy.StartAsync(s3.Endpoint);
        var prefix = $"faults-{Guid.NewGuid():N}";
        var env = new Hashtable(s3.ProgramEnvironment(proxy.Endpoint));
        var host = await TestHost.StartAsync($$"""
            actorblog.backup {
              enabled = off
              verify-after-upload = {{(verifyAfterUpload ? "on" : "off")}}
              s3 { force-path-style = on, prefix = "{{prefix}}", timeout = 2s, max-error-retry = 1 }
              supervision { min-backoff = 200ms, max-backoff = 1s }
            }
            """, env, root);
        return (host, proxy, prefix);
    }

    /// <summary>The store as it really is, bypassing the proxy.</summary>
    private BackupCatalog Direct(string prefix) => new(new S3BackupTarget(s3.TargetOptions(prefix)), prefix);

    private static Task<string> RequestAsync(TestHost host) => BackupState.RequestAsync(host.Client);

    private static string? IdOf(JsonElement status, string outcome) => BackupState.IdOf(status, outcome);

    private static Task<JsonElement> OutcomeAsync(TestHost host, string id) => BackupState.OutcomeAsync(host.Client, id);

    private static Task<JsonElement> RecoverAsync(TestHost host) =>
        Eventually.Until(async () => await OutcomeAsync(host, await RequestAsync(host)),
            s => s.GetProperty("consecutiveFailures").GetInt32() == 0, TimeSpan.FromMinutes(2), "a verified backup after the fault");

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task The_blog_serves_through_a_store_fault_and_the_first_backup_after_it_verifies(string fault)
    {
        // Data is read back after every upload with verify-after-upload = on; with off, only where the
        // store's ETag confirms nothing (here: one that is not the MD5 of what it received).
        var (host, proxy, prefix) = await StartAsync(verifyAfterUpload: fault == "503 on GET");
        await using var _ = host;
        await using var __ = proxy;
        await host.Client.PostAsJsonAsync("/api/posts", new { title = "Before the fault", markdown = "x", status = "published" });
        var good = await RecoverAsync(host);

        proxy.Inject = Injection(fault);
        if (fault == "503 on the read-back of an unconfirmed upload") proxy.RewriteETag = (_, _, _) => "\"0123456789abcdef0123456789abcdef\"";
        var failed = await OutcomeAsync(host, await RequestAsync(host));

        Assert.True(proxy.Injected > 0);
        Assert.Equal(1, failed.GetProperty("consecutiveFailures").GetInt32());
        Assert.Equal("failed", failed.GetProperty("lastTick").GetProperty("result").GetString());
        Assert.False(string.IsNullOrWhiteSpace(failed.GetProperty("lastFailure").GetProperty("error").GetString()));
        Assert.Equal("degraded", (await host.Client.GetFromJsonAsync<JsonElement>("/healthz")).GetProperty("status").GetString());
        // Readers and the author are served while the store is sick.
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/posts/before-the-fault")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await host.Client.PostAsJsonAsync("/api/posts", new { title = "During the fault", markdown = "x" })).StatusCode);
        // Nothing was deleted: the good backup is still in the store.
        Assert.Contains(IdOf(good, "lastSuccess"), (await Direct(prefix).ListAsync(CancellationToken.None)).Select(m => m.Id));

        proxy.Inject = _ => Fault.Pass;
        proxy.RewriteETag = null;
        var recovered = await RecoverAsync(host);

        Assert.Equal(2, (await Direct(prefix).ListAsync(CancellationToken.None)).Count);
        Assert.Equal(0, recovered.GetProperty("consecutiveFailures").GetInt32());
        Assert.Empty(Directory.EnumerateFiles(host.Options.Backup.TempDir));
    }

    [Fact]
    public async Task A_failing_listing_is_a_clear_502_and_does_not_stop_backups()
    {
        var (host, proxy, prefix) = await StartAsync();
        await using var _ = host;
        await using var __ = proxy;
        proxy.Inject = r => IsListing(r) ? Fault.Status500 : Fault.Pass;

        var listing = await host.Client.GetAsync("/api/backups");
        var ok = await RecoverAsync(host); // retention cannot list, but the backup itself verifies

        Assert.Equal(HttpStatusCode.BadGateway, listing.StatusCode);
        Assert.Equal("application/problem+json", listing.Content.Headers.ContentType?.MediaType);
        Assert.Equal(IdOf(ok, "lastSuccess"), Assert.Single(await Direct(prefix).ListAsync(CancellationToken.None)).Id);
    }

    [Fact]
    public async Task A_connection_cut_in_the_middle_of_a_multipart_upload_fails_cleanly()
    {
        var root = Directory.CreateTempSubdirectory("actorblog-multipart-").FullName;
        Files.SeedIncompressibleBlog(Path.Combine(root, "data", "blog.db"), megabytes: 44, seed: 7); // encodes to well over the 32 MiB single-put limit
        var (host, proxy, prefix) = await StartAsync(root);
        await using var _ = host;
        await using var __ = proxy;
        proxy.Inject = r => r.Query["partNumber"] == "2" ? Fault.Abort : Fault.Pass; // the first part goes up, then every try of the second is cut

        var failed = await OutcomeAsync(host, await RequestAsync(host));

        Assert.Equal(1, failed.GetProperty("consecutiveFailures").GetInt32());
        Assert.Empty(await Direct(prefix).ListAsync(CancellationToken.None));
        Assert.Empty(Directory.EnumerateFiles(host.Options.Backup.TempDir));

        proxy.Inject = _ => Fault.Pass;
        var recovered = await RecoverAsync(host);
        var manifest = Assert.Single(await Direct(prefix).ListAsync(CancellationToken.None));
        Assert.Equal(IdOf(recovered, "lastSuccess"), manifest.Id);
        Assert.True(manifest.StoredBytes > S3BackupTarget.SinglePutLimit);
    }
}
