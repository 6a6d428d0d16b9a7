using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ActorBlog.Host.Tests.Infrastructure;

namespace ActorBlog.Host.Tests;

/// <summary>Cached reader pages in the real host: the same bytes and tag while nothing changes, fresh ones the moment anything does.</summary>
public sealed class PageCacheTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartAsync("actorblog.backup.enabled = off");

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<long> CreateAsync(string title, string status = "published")
    {
        var response = await _host.Client.PostAsJsonAsync("/api/posts", new { title, markdown = $"About {title}.", status });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task A_cached_page_is_served_until_a_write_changes_the_revision()
    {
        using var reader = _host.NewClient(null);
        await CreateAsync("First");
        var first = await reader.GetAsync("/");
        var again = await reader.GetAsync("/");
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());

        var conditional = new HttpRequestMessage(HttpMethod.Get, "/");
        conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await reader.SendAsync(conditional)).StatusCode);

        await CreateAsync("Second");
        var changed = await reader.GetAsync("/");
        Assert.NotEqual(first.Headers.ETag, changed.Headers.ETag);
        Assert.Contains("Second", await changed.Content.ReadAsStringAsync());

        var id = await CreateAsync("Third");
        Assert.Contains("Third", await reader.GetStringAsync("/"));
        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client.DeleteAsync($"/api/posts/{id}")).StatusCode);
        Assert.DoesNotContain("Third", await reader.GetStringAsync("/"));
    }

    [Fact]
    public async Task A_second_request_of_the_same_revision_is_served_from_the_cache_not_rendered_again()
    {
        using var reader = _host.NewClient(null);
        await CreateAsync("Cached title");
        Assert.Contains("Cached title", await reader.GetStringAsync("/"));

        // Changed behind the store's back, so the revision stays: only a page kept from the first request
        // can still show the old title. A page rendered again would show the new one.
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_host.Options.Blog.DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var update = connection.CreateCommand();
            update.CommandText = "UPDATE posts SET title = 'Changed title' WHERE title = 'Cached title'";
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        var response = await reader.GetAsync("/");
        var served = await response.Content.ReadAsStringAsync();
        Assert.Contains("Cached title", served);
        // Served ahead of routing, yet with every header a rendered page has.
        Assert.Contains("script-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.NotNull(response.Headers.ETag);
        var head = await reader.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(response.Headers.ETag, head.Headers.ETag);
        Assert.DoesNotContain("Changed title", served);
        Assert.Contains("Changed title", await reader.GetStringAsync("/feed.xml")); // not requested before: rendered now
    }

    [Fact]
    public async Task A_draft_never_leaks_through_the_cache_and_each_query_string_is_its_own_page()
    {
        using var reader = _host.NewClient(null);
        for (var i = 0; i < 12; i++) await CreateAsync($"Post {i}");
        var page1 = await reader.GetStringAsync("/");
        var page2 = await reader.GetStringAsync("/?page=2");
        Assert.NotEqual(page1, page2);

        await CreateAsync("Secret draft", "draft");
        Assert.DoesNotContain("Secret draft", await reader.GetStringAsync("/"));
        Assert.Equal(page2, await reader.GetStringAsync("/?page=2"));
    }
}
