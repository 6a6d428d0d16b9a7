using System.Collections;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Host.Web;

namespace ActorBlog.Host.Tests;

public sealed class SecurityTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync("actorblog.backup.enabled = off");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("/")]
    [InlineData("/posts/no-such-post")]
    [InlineData("/feed.xml")]
    [InlineData("/sitemap.xml")]
    [InlineData("/healthz")]
    [InlineData("/site.css")]
    [InlineData("/api/posts")]
    public async Task Every_answer_carries_the_security_headers(string path)
    {
        using var anonymous = _host.NewClient(null);
        var response = await anonymous.GetAsync(path);

        var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'none'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task Repeated_bad_tokens_from_one_address_are_throttled_with_retry_after()
    {
        using var guesser = _host.NewClient("guess");
        for (var i = 0; i < FailedAuthThrottle.MaxFailures; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.GetAsync("/api/posts")).StatusCode);

        var throttled = await guesser.GetAsync("/api/posts");

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.InRange(int.Parse(throttled.Headers.GetValues("Retry-After").Single()), 1, 60);
        var body = await throttled.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, body.GetProperty("status").GetInt32());
        // Even the right token waits: the throttle must not be a way to test guesses.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await _host.Client.GetAsync("/api/posts")).StatusCode);
        // Readers are never throttled.
        Assert.Equal(HttpStatusCode.OK, (await guesser.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task An_error_body_never_carries_a_stack_trace_or_the_token()
    {
        var response = await _host.Client.PostAsync("/api/posts", new StringContent("{\"title\": [1,2", System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(" at ", body);
        Assert.DoesNotContain(TestHost.Token, body);
        Assert.DoesNotContain("ActorBlog.", body);
    }
}

public sealed class FailedAuthThrottleTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void An_address_is_held_back_for_the_rest_of_the_window_then_may_try_again()
    {
        var clock = new ManualClock();
        var throttle = new FailedAuthThrottle(clock);
        var attacker = IPAddress.Parse("127.0.0.2");
        var author = IPAddress.Parse("127.0.0.3");

        for (var i = 0; i < FailedAuthThrottle.MaxFailures - 1; i++) throttle.RecordFailure(attacker);
        Assert.Null(throttle.RetryAfter(attacker));
        throttle.RecordFailure(attacker);
        clock.Now += TimeSpan.FromSeconds(20);

        Assert.Equal(TimeSpan.FromSeconds(40), throttle.RetryAfter(attacker));
        Assert.Null(throttle.RetryAfter(author));
        clock.Now += TimeSpan.FromSeconds(40);
        Assert.Null(throttle.RetryAfter(attacker));
    }
}
