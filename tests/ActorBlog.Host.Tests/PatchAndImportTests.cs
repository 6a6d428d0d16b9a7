using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;
using ActorBlog.Posts;

namespace ActorBlog.Host.Tests;

/// <summary>What a first author reaches for: publishing a draft as it is, importing old posts, retrying a stale edit.</summary>
public sealed class PatchAndImportTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync("actorblog.backup.enabled = off");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private HttpClient Client => _host.Client;

    private async Task<JsonElement> CreateAsync(object body)
    {
        var response = await Client.PostAsJsonAsync("/api/posts", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task<HttpResponseMessage> Send(HttpMethod method, long id, string json, string? ifMatch)
    {
        var request = new HttpRequestMessage(method, $"/api/posts/{id}") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return Client.SendAsync(request);
    }

    private (long, string) Snapshot() =>
        (_host.Services.GetRequiredService<PostReader>().Revision(), Files.DatabaseFingerprint(_host.Options.Blog.DatabasePath));

    private static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Patch_publishes_a_draft_without_resending_its_title_and_markdown()
    {
        var draft = await CreateAsync(new { title = "Draft title", markdown = "Draft *body*", tags = new[] { "kept" } });
        var id = draft.GetProperty("id").GetInt64();

        var response = await Send(HttpMethod.Patch, id, """{"status":"published"}""", "\"1\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
        var post = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("published", post.GetProperty("status").GetString());
        Assert.Equal("Draft title", post.GetProperty("title").GetString());
        Assert.Equal("Draft *body*", post.GetProperty("markdown").GetString());
        Assert.Equal(draft.GetProperty("html").GetString(), post.GetProperty("html").GetString());
        Assert.Equal(["kept"], post.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(draft.GetProperty("slug").GetString(), post.GetProperty("slug").GetString());
        Assert.Equal(2, post.GetProperty("version").GetInt32());
        Assert.Equal(JsonValueKind.String, post.GetProperty("publishedAt").ValueKind);
        Assert.Equal(HttpStatusCode.OK, (await _host.NewClient(null).GetAsync($"/posts/{post.GetProperty("slug").GetString()}")).StatusCode);
    }

    [Fact]
    public async Task Patch_changes_only_what_it_names_and_still_checks_it()
    {
        var id = (await CreateAsync(new { title = "Before", markdown = "Old body" })).GetProperty("id").GetInt64();

        var edited = await (await Send(HttpMethod.Patch, id, """{"markdown":"New **body**"}""", "\"1\"")).Content.ReadFromJsonAsync<JsonElement>();
        var before = Snapshot();
        var invalid = await Problem(await Send(HttpMethod.Patch, id, """{"title":""}""", "\"2\""), HttpStatusCode.BadRequest);

        Assert.Equal("Before", edited.GetProperty("title").GetString());
        Assert.Contains("<strong>body</strong>", edited.GetProperty("html").GetString());
        Assert.True(invalid.GetProperty("errors").TryGetProperty("title", out _));
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task A_precondition_answer_names_the_current_version()
    {
        var id = (await CreateAsync(new { title = "Versioned", markdown = "x" })).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Patch, id, """{"markdown":"y"}""", "\"1\"")).StatusCode);
        var before = Snapshot();

        var missing = await Problem(await Send(HttpMethod.Patch, id, """{"status":"published"}""", null), HttpStatusCode.PreconditionRequired);
        var missingPut = await Problem(await Send(HttpMethod.Put, id, """{"title":"t","markdown":"x"}""", null), HttpStatusCode.PreconditionRequired);
        var stale = await Problem(await Send(HttpMethod.Patch, id, """{"status":"published"}""", "\"1\""), HttpStatusCode.PreconditionFailed);
        var unknownPost = await Problem(await Send(HttpMethod.Patch, 424242, """{"status":"published"}""", null), HttpStatusCode.NotFound);

        foreach (var body in new[] { missing, missingPut, stale })
        {
            Assert.Equal(2, body.GetProperty("currentVersion").GetInt32());
            Assert.Contains("If-Match: \"2\"", body.GetProperty("detail").GetString());
        }
        Assert.Equal(404, unknownPost.GetProperty("status").GetInt32());
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task An_imported_post_keeps_its_original_publication_time()
    {
        var imported = await CreateAsync(new { title = "From 2015", markdown = "old", status = "published", publishedAt = "2015-03-04T05:06:07Z" });
        var dated = await CreateAsync(new { title = "A date only", markdown = "old", status = "published", publishedAt = "2016-01-02" });
        var id = imported.GetProperty("id").GetInt64();
        var moved = await (await Send(HttpMethod.Put, id, """{"title":"From 2015","markdown":"old","publishedAt":"2014-12-31T23:00:00+02:00"}""", "\"1\""))
            .Content.ReadFromJsonAsync<JsonElement>();
        var kept = await (await Send(HttpMethod.Patch, id, """{"markdown":"edited"}""", "\"2\"")).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(new DateTimeOffset(2015, 3, 4, 5, 6, 7, TimeSpan.Zero), imported.GetProperty("publishedAt").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2016, 1, 2, 0, 0, 0, TimeSpan.Zero), dated.GetProperty("publishedAt").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2014, 12, 31, 21, 0, 0, TimeSpan.Zero), moved.GetProperty("publishedAt").GetDateTimeOffset());
        Assert.Equal(moved.GetProperty("publishedAt").GetDateTimeOffset(), kept.GetProperty("publishedAt").GetDateTimeOffset());
        // Newest first by publication: the imported posts sort below one published now.
        await CreateAsync(new { title = "Written today", markdown = "new", status = "published" });
        var home = await _host.NewClient(null).GetStringAsync("/");
        Assert.True(home.IndexOf("Written today", StringComparison.Ordinal) < home.IndexOf("A date only", StringComparison.Ordinal));
        Assert.True(home.IndexOf("A date only", StringComparison.Ordinal) < home.IndexOf("From 2015", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"title":"t","markdown":"x","status":"published","publishedAt":"last tuesday"}""")]
    [InlineData("""{"title":"t","markdown":"x","status":"published","publishedAt":"2015-03-04T05:06:07"}""")] // no zone
    [InlineData("""{"title":"t","markdown":"x","status":"published","publishedAt":"2015-13-04T05:06:07Z"}""")]
    [InlineData("""{"title":"t","markdown":"x","publishedAt":"2015-03-04T05:06:07Z"}""")] // a draft has no publication time
    public async Task A_bad_publication_time_is_refused_and_changes_nothing(string json)
    {
        var before = Snapshot();
        var body = await Problem(await Client.PostAsync("/api/posts", new StringContent(json, Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        Assert.True(body.GetProperty("errors").TryGetProperty("publishedAt", out _));
        Assert.Equal(before, Snapshot());
    }

    [Theory]
    [InlineData("POST", """{"title":"a","markdown":"x","admin":true}""", "admin")]
    [InlineData("PATCH", """{"statuss":"published"}""", "statuss")]
    public async Task An_unknown_key_is_named_as_an_unknown_field(string method, string json, string field)
    {
        var id = (await CreateAsync(new { title = "Target", markdown = "x" })).GetProperty("id").GetInt64();
        var before = Snapshot();
        var response = method == "POST"
            ? await Client.PostAsync("/api/posts", new StringContent(json, Encoding.UTF8, "application/json"))
            : await Send(HttpMethod.Patch, id, json, "\"1\"");

        var body = await Problem(response, HttpStatusCode.BadRequest);
        Assert.Equal($"unknown field `{field}`", body.GetProperty("detail").GetString());
        Assert.Equal([$"unknown field `{field}`"], body.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain(".NET", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, Snapshot());
    }
}
