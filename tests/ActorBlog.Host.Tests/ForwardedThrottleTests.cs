using System.Net;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Host.Web;

namespace ActorBlog.Host.Tests;

/// <summary>
/// The failed-token throttle behind a reverse proxy: with 127.0.0.1 as the trusted proxy (the real
/// ForwardedHeaders middleware), each X-Forwarded-For is its own client, so a stranger's bad
/// guesses hold back the stranger and never the author. Without a trusted proxy the header is
/// ignored, so a guesser cannot dodge the throttle by making up addresses.
/// </summary>
public sealed class ForwardedThrottleTests
{
    private const string Stranger = "203.0.113.7";
    private const string Author = "198.51.100.2";

    private static async Task<HttpStatusCode> Get(TestHost host, string? token, string forwardedFor)
    {
        using var client = host.NewClient(token);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/posts");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        return (await client.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_a_stranger_locks_out_only_the_stranger()
    {
        await using var host = await TestHost.StartAsync("""
            actorblog.backup.enabled = off
            actorblog.http.forwarded-headers = ["127.0.0.1"]
            """);

        for (var i = 0; i < FailedAuthThrottle.MaxFailures; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, await Get(host, "wrong-guess", Stranger));

        // The stranger is held back, even with the right token (a held-back address learns nothing from its guesses)...
        Assert.Equal(HttpStatusCode.TooManyRequests, await Get(host, "wrong-guess", Stranger));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Get(host, TestHost.Token, Stranger));
        // ...and cannot slip out by writing another address in front of the one the proxy adds.
        Assert.Equal(HttpStatusCode.TooManyRequests, await Get(host, "wrong-guess", $"192.0.2.99, {Stranger}"));
        // The author, elsewhere behind the same proxy, is not.
        Assert.Equal(HttpStatusCode.OK, await Get(host, TestHost.Token, Author));
        Assert.Equal(HttpStatusCode.Unauthorized, await Get(host, "typo", Author));
        Assert.Equal(HttpStatusCode.OK, await Get(host, TestHost.Token, Author));
    }

    [Fact]
    public async Task Without_a_trusted_proxy_a_forwarded_header_changes_nothing()
    {
        await using var host = await TestHost.StartAsync("actorblog.backup.enabled = off");

        for (var i = 0; i < FailedAuthThrottle.MaxFailures; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, await Get(host, "wrong-guess", $"203.0.113.{i + 1}"));

        // Every guess came from this loopback connection, whatever the header said.
        Assert.Equal(HttpStatusCode.TooManyRequests, await Get(host, "wrong-guess", "203.0.113.200"));
    }

    [Theory]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::")]
    [InlineData("2001:db8:1:2:ffff::1", "2001:db8:1:2::")]
    [InlineData("192.0.2.1", "192.0.2.1")]
    public void An_ipv6_client_is_counted_by_its_64_bit_prefix(string address, string counted) =>
        Assert.Equal(IPAddress.Parse(counted), ClientAddress.Normalize(IPAddress.Parse(address)));
}
