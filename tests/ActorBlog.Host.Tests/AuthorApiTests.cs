using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;
using ActorBlog.Posts;

namespace ActorBlog.Host.Tests;

public sealed class AuthorApiTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private HttpClient Client => _host.Client;

    private async Task<JsonElement> CreateAsync(object body)
    {
        var response = await Client.PostAsJsonAsync("/api/posts", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>What a rejected request must not change: the revision and every byte of the database.</summary>
    private (long Revision, string Fingerprint) Snapshot()
    {
        var reader = _host.Services.GetRequiredService<PostReader>();
        return (reader.Revision(), Files.DatabaseFingerprint(_host.Options.Blog.DatabasePath));
    }

    private static async Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("detail").GetString()));
        return body;
    }

    [Fact]
    public async Task A_created_post_has_every_field_a_location_and_an_etag()
    {
        var response = await Client.PostAsJsonAsync("/api/posts", new { title = "Hello, World", markdown = "Hi *there*", tags = new[] { "intro" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var post = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"/api/posts/{post.GetProperty("id").GetInt64()}", response.Headers.Location?.OriginalString);
        Assert.Equal("hello-world", post.GetProperty("slug").GetString());
        Assert.Equal("draft", post.GetProperty("status").GetString());
        Assert.Equal("<p>Hi <em>there</em></p>", post.GetProperty("html").GetString()!.Trim());
        Assert.Equal(JsonValueKind.Null, post.GetProperty("publishedAt").ValueKind);
        Assert.EndsWith("Z", post.GetProperty("createdAt").GetString());
        Assert.Equal(1, post.GetProperty("version").GetInt32());

        var get = await Client.GetAsync(response.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("\"1\"", get.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task Put_with_the_current_version_saves_and_bumps_it()
    {
        var post = await CreateAsync(new { title = "Draft", markdown = "v1", status = "draft" });
        var id = post.GetProperty("id").GetInt64();
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/posts/{id}")
        {
            Content = JsonContent.Create(new { title = "Published", markdown = "v2", status = "published" }),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        var response = await Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var updated = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, updated.GetProperty("version").GetInt32());
        Assert.Equal("draft", updated.GetProperty("slug").GetString());
        Assert.NotEqual(JsonValueKind.Null, updated.GetProperty("publishedAt").ValueKind);
        Assert.Equal("\"2\"", response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task The_list_shows_drafts_to_the_author_and_filters_by_status()
    {
        await CreateAsync(new { title = "A draft", markdown = "x" });
        await CreateAsync(new { title = "Out", markdown = "x", status = "published" });

        async Task<string[]> Titles(string status) =>
            (await Client.GetFromJsonAsync<JsonElement[]>($"/api/posts?status={status}"))!.Select(p => p.GetProperty("title").GetString()!).ToArray();

        Assert.Equal(["A draft"], await Titles("draft"));
        Assert.Equal(["Out"], await Titles("published"));
        Assert.Equal(2, (await Titles("all")).Length);
        await AssertProblem(await Client.GetAsync("/api/posts?status=secret"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Delete_answers_204_then_404()
    {
        var id = (await CreateAsync(new { title = "Doomed", markdown = "x" })).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/api/posts/{id}")).StatusCode);
        await AssertProblem(await Client.DeleteAsync($"/api/posts/{id}"), HttpStatusCode.NotFound);
        await AssertProblem(await Client.GetAsync($"/api/posts/{id}"), HttpStatusCode.NotFound);
    }

    public static TheoryData<string, string> Unauthorized => new()
    {
        { "missing", "" },
        { "wrong", "Bearer not-the-token" },
        { "other scheme", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("author:" + TestHost.Token)) },
        { "prefix of the token", "Bearer " + TestHost.Token[..10] },
    };

    [Theory]
    [MemberData(nameof(Unauthorized))]
    public async Task Without_the_token_nothing_is_written(string _, string authorization)
    {
        var before = Snapshot();
        using var client = _host.NewClient(null);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/posts") { Content = JsonContent.Create(new { title = "Intruder", markdown = "x" }) };
        if (authorization.Length > 0) request.Headers.TryAddWithoutValidation("Authorization", authorization);

        var response = await client.SendAsync(request);

        await AssertProblem(response, HttpStatusCode.Unauthorized);
        Assert.Equal(before, Snapshot());
    }

    public static TheoryData<string, string, string, HttpStatusCode> BadRequests => new()
    {
        { "malformed JSON", "application/json", "{\"title\": \"x\", ", HttpStatusCode.BadRequest },
        { "not an object", "application/json", "[1,2,3]", HttpStatusCode.BadRequest },
        { "null", "application/json", "null", HttpStatusCode.BadRequest },
        { "wrong type", "application/json", "{\"title\": 5, \"markdown\": \"x\"}", HttpStatusCode.BadRequest },
        { "duplicate key", "application/json", "{\"title\": \"a\", \"title\": \"b\", \"markdown\": \"x\"}", HttpStatusCode.BadRequest },
        { "unknown key", "application/json", "{\"title\": \"a\", \"markdown\": \"x\", \"admin\": true}", HttpStatusCode.BadRequest },
        { "empty title", "application/json", "{\"title\": \"\", \"markdown\": \"x\"}", HttpStatusCode.BadRequest },
        { "bad slug", "application/json", "{\"title\": \"a\", \"slug\": \"../../etc\", \"markdown\": \"x\"}", HttpStatusCode.BadRequest },
        { "bad tag", "application/json", "{\"title\": \"a\", \"markdown\": \"x\", \"tags\": [\"<b>\"]}", HttpStatusCode.BadRequest },
        { "bad status", "application/json", "{\"title\": \"a\", \"markdown\": \"x\", \"status\": \"live\"}", HttpStatusCode.BadRequest },
        { "deep nesting", "application/json", new string('[', 5000) + new string(']', 5000), HttpStatusCode.BadRequest },
        { "wrong content type", "text/plain", "{\"title\": \"a\", \"markdown\": \"x\"}", HttpStatusCode.UnsupportedMediaType },
        { "over 1 MiB", "application/json", "{\"title\": \"a\", \"markdown\": \"" + new string('x', 1100 * 1024) + "\"}", HttpStatusCode.RequestEntityTooLarge },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_gets_a_problem_and_changes_nothing(string _, string contentType, string body, HttpStatusCode status)
    {
        await CreateAsync(new { title = "Existing", markdown = "x" });
        var before = Snapshot();

        var response = await Client.PostAsync("/api/posts", new StringContent(body, Encoding.UTF8, contentType));

        await AssertProblem(response, status);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Field_errors_are_listed_per_field()
    {
        var response = await Client.PostAsJsonAsync("/api/posts", new { title = "", slug = "Bad Slug", markdown = "x", tags = new[] { "ok", "NOT OK" } });
        var errors = (await AssertProblem(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("title", out _));
        Assert.True(errors.TryGetProperty("slug", out _));
        Assert.True(errors.TryGetProperty("tags", out _));
    }

    [Fact]
    public async Task Conflicts_and_preconditions_answer_409_412_428_404_and_change_nothing()
    {
        var first = await CreateAsync(new { title = "First", slug = "first", markdown = "x" });
        await CreateAsync(new { title = "Second", slug = "second", markdown = "x" });
        var id = first.GetProperty("id").GetInt64();
        var before = Snapshot();

        await AssertProblem(await Client.PostAsJsonAsync("/api/posts", new { title = "Again", slug = "first", markdown = "x" }), HttpStatusCode.Conflict);
        await AssertProblem(await Put(id, new { title = "Steal", slug = "second", markdown = "x" }, "\"1\""), HttpStatusCode.Conflict);
        await AssertProblem(await Put(id, new { title = "Stale", markdown = "x" }, "\"7\""), HttpStatusCode.PreconditionFailed);
        await AssertProblem(await Put(id, new { title = "Garbage", markdown = "x" }, "\"abc\""), HttpStatusCode.PreconditionFailed);
        await AssertProblem(await Put(id, new { title = "No precondition", markdown = "x" }, null), HttpStatusCode.PreconditionRequired);
        await AssertProblem(await Put(424242, new { title = "Nobody", markdown = "x" }, "\"1\""), HttpStatusCode.NotFound);
        await AssertProblem(await Client.GetAsync("/api/posts/424242"), HttpStatusCode.NotFound);

        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Health_answers_without_a_token()
    {
        using var anonymous = _host.NewClient(null);
        var health = await anonymous.GetFromJsonAsync<JsonElement>("/healthz");
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("database").GetProperty("ok").GetBoolean());
    }

    private Task<HttpResponseMessage> Put(long id, object body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/posts/{id}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return Client.SendAsync(request);
    }
}
