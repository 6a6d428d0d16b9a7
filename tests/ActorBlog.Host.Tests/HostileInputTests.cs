using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;
using ActorBlog.Posts;

namespace ActorBlog.Host.Tests;

/// <summary>
/// Hostile and broken input at every door of the host: each gets a clear answer (never a 500,
/// never a stack trace) and changes nothing in the database.
/// </summary>
public sealed class HostileInputTests(HostileInputTests.SeededHost fixture) : IClassFixture<HostileInputTests.SeededHost>
{
    /// <summary>One host for the whole class: every case here is refused, so none can disturb another.</summary>
    public sealed class SeededHost : IAsyncLifetime
    {
        public TestHost Host { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Host = await TestHost.StartAsync("actorblog.backup.enabled = off");
            var seed = await Host.Client.PostAsync("/api/posts", Json("""{"title":"Seed","slug":"seed","markdown":"x","tags":["seed"],"status":"published"}"""));
            Assert.Equal(HttpStatusCode.Created, seed.StatusCode);
        }

        public async Task DisposeAsync() => await Host.DisposeAsync();
    }

    private readonly TestHost _host = fixture.Host;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private (long, string) Snapshot() =>
        (_host.Services.GetRequiredService<PostReader>().Revision(), Files.DatabaseFingerprint(_host.Options.Blog.DatabasePath));

    private static string Big(char c, int n) => new(c, n);

    /// <summary>Author API bodies: (name, raw body bytes as a string, content type, expected status).</summary>
    public static TheoryData<string, string, string, int> Bodies => new()
    {
        { "empty body", "", "application/json", 400 },
        { "whitespace", "   ", "application/json", 400 },
        { "truncated", "{\"title\":\"a\",\"markdown\":", "application/json", 400 },
        { "string instead of object", "\"hello\"", "application/json", 400 },
        { "number instead of object", "42", "application/json", 400 },
        { "nested 64 deep", string.Concat(Enumerable.Repeat("{\"a\":", 64)) + "1" + new string('}', 64), "application/json", 400 },
        { "array of 100k", "[" + string.Join(',', Enumerable.Repeat("1", 100_000)) + "]", "application/json", 400 },
        { "comments", "{/*x*/\"title\":\"a\",\"markdown\":\"b\"}", "application/json", 400 },
        { "trailing comma", "{\"title\":\"a\",\"markdown\":\"b\",}", "application/json", 400 },
        { "single quotes", "{'title':'a','markdown':'b'}", "application/json", 400 },
        { "NaN", "{\"title\":NaN,\"markdown\":\"b\"}", "application/json", 400 },
        { "repeated key, different case", "{\"title\":\"a\",\"Title\":\"b\",\"markdown\":\"c\"}", "application/json", 400 },
        { "tags as string", "{\"title\":\"a\",\"markdown\":\"b\",\"tags\":\"x\"}", "application/json", 400 },
        { "tags of objects", "{\"title\":\"a\",\"markdown\":\"b\",\"tags\":[{}]}", "application/json", 400 },
        { "21 tags", "{\"title\":\"a\",\"markdown\":\"b\",\"tags\":[" + string.Join(',', Enumerable.Range(0, 21).Select(i => $"\"t{i}\"")) + "]}", "application/json", 400 },
        { "empty tag", "{\"title\":\"a\",\"markdown\":\"b\",\"tags\":[\"\"]}", "application/json", 400 },
        { "null title", "{\"title\":null,\"markdown\":\"b\"}", "application/json", 400 },
        { "missing markdown", "{\"title\":\"a\"}", "application/json", 400 },
        { "title of 201", "{\"title\":\"" + Big('t', 201) + "\",\"markdown\":\"b\"}", "application/json", 400 },
        { "title with NUL", "{\"title\":\"a\\u0000b\",\"markdown\":\"b\"}", "application/json", 400 },
        { "title with escape sequence", "{\"title\":\"a\\u001b[31mred\",\"markdown\":\"b\"}", "application/json", 400 },
        { "markdown with NUL", "{\"title\":\"a\",\"markdown\":\"x\\u0000y\"}", "application/json", 400 },
        { "markdown over 512 KiB", "{\"title\":\"a\",\"markdown\":\"" + Big('m', 513 * 1024) + "\"}", "application/json", 400 },
        { "lone surrogate", "{\"title\":\"\\ud800\",\"markdown\":\"b\"}", "application/json", 400 },
        { "slug path traversal", "{\"title\":\"a\",\"slug\":\"../../etc/passwd\",\"markdown\":\"b\"}", "application/json", 400 },
        { "slug with slash", "{\"title\":\"a\",\"slug\":\"a/b\",\"markdown\":\"b\"}", "application/json", 400 },
        { "slug url-encoded", "{\"title\":\"a\",\"slug\":\"a%2Fb\",\"markdown\":\"b\"}", "application/json", 400 },
        { "slug of 101", "{\"title\":\"a\",\"slug\":\"" + Big('s', 101) + "\",\"markdown\":\"b\"}", "application/json", 400 },
        { "slug unicode", "{\"title\":\"a\",\"slug\":\"caf\u00e9\",\"markdown\":\"b\"}", "application/json", 400 },
        { "status upper case", "{\"title\":\"a\",\"markdown\":\"b\",\"status\":\"PUBLISHED\"}", "application/json", 400 },
        { "form body", "title=a&markdown=b", "application/x-www-form-urlencoded", 415 },
        { "xml body", "<post><title>a</title></post>", "application/xml", 415 },
        { "text body", "{\"title\":\"a\",\"markdown\":\"b\"}", "text/plain", 415 },
        { "over 1 MiB", "{\"title\":\"a\",\"markdown\":\"" + Big('x', 1024 * 1024) + "\"}", "application/json", 413 },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Hostile_bodies_get_a_clear_answer_and_change_nothing(string _, string body, string contentType, int status)
    {
        var before = Snapshot();
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        // A connection of its own: after a 413 the server closes the connection, which must not hit the next case.
        using var client = _host.NewClient(TestHost.Token);
        var response = await client.PostAsync("/api/posts", content);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(" at ActorBlog", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Invalid_utf8_is_a_400_and_changes_nothing()
    {
        var before = Snapshot();
        var bytes = Encoding.UTF8.GetBytes("{\"title\":\"a\",\"markdown\":\"").Concat(new byte[] { 0xC3, 0x28, 0xFF, 0xFE }).Concat("\"}"u8.ToArray()).ToArray();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await _host.Client.PostAsync("/api/posts", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task An_oversized_header_is_refused_by_the_server()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation("X-Junk", Big('j', 64 * 1024));
        var response = await _host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
    }

    public static TheoryData<string, int> ApiPaths => new()
    {
        { "/api/posts/not-a-number", 404 },
        { "/api/posts/-1", 404 },
        { "/api/posts/99999999999999999999999", 404 },
        { "/api/posts/1.5", 404 },
        { "/api/posts/%00", 400 }, // Kestrel refuses a NUL in the path before routing
        { "/api/posts?status=%00", 400 },
        { "/api/posts?status=DRAFT", 400 },
        { "/api/../healthz", 200 },
    };

    [Theory]
    [MemberData(nameof(ApiPaths))]
    public async Task Odd_api_paths_get_a_clear_answer(string path, int status)
    {
        var response = await _host.Client.GetAsync(path);
        Assert.Equal(status, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("PUT", "\"1\", \"2\"", 412)]
    [InlineData("PUT", "*", 412)]
    [InlineData("PUT", "W/\"x\"", 412)]
    [InlineData("PATCH", "\"7\"", 412)] // PATCH is a partial update now (issue 11): a stale one changes nothing
    public async Task Odd_preconditions_and_methods_change_nothing(string method, string ifMatch, int status)
    {
        var before = Snapshot();
        var request = new HttpRequestMessage(new HttpMethod(method), "/api/posts/1") { Content = Json("""{"title":"Hijack","markdown":"x"}""") };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        var response = await _host.Client.SendAsync(request);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(before, Snapshot());
    }

    public static TheoryData<string, int> ReaderPaths => new()
    {
        { "/posts/..%2F..%2Fetc%2Fpasswd", 404 },
        { "/posts/%2e%2e", 200 }, // normalized to "/": the home page, never a file
        { "/posts/seed%00", 400 },
        { "/posts/" + Big('a', 5000), 404 },
        { "/posts/%3Cscript%3Ealert(1)%3C%2Fscript%3E", 404 },
        { "/posts/SEED", 404 },
        { "/tags/%20", 404 },
        { "/tags/" + Big('t', 2000), 404 },
        { "/tags/seed?page=99999999999999999999", 404 },
        { "/?page=2147483648", 404 },
        { "/?page=-2147483648", 404 },
        { "/?page=1e3", 404 },
        { "/?page=0x10", 404 },
        { "/feed.xml?page=abc", 200 },
        { "/posts/seed", 200 },
    };

    [Theory]
    [MemberData(nameof(ReaderPaths))]
    public async Task Odd_reader_paths_get_a_page_never_an_error(string path, int status)
    {
        var response = await _host.NewClient(null).GetAsync(path);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.DoesNotContain("<script>alert", await response.Content.ReadAsStringAsync());
    }
}
