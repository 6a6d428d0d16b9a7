using System.Net;
using AngleSharp.Html.Parser;

namespace ActorBlog.Host.Tests;

/// <summary><c>GET /search?q=</c> in the real host: ranked results with marked snippets, never a draft, never an error.</summary>
public sealed class SearchPageTests(ReaderHostFixture host) : IClassFixture<ReaderHostFixture>
{
    [Fact]
    public async Task Search_finds_a_published_post_by_a_word_of_its_body_and_marks_it()
    {
        var post = await host.CreateAsync("About rodents", "The **capybara** is the largest living rodent.");
        await host.CreateAsync("Draft capybara", "capybara secrets", status: "draft");

        using var response = await host.Client.GetAsync("/search?q=capybara");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        var page = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
        var results = page.QuerySelectorAll(".search-results > li").ToList();
        var hit = Assert.Single(results);
        Assert.Equal($"/posts/{post.Slug}", hit.QuerySelector("h2 a")!.GetAttribute("href"));
        Assert.Equal("capybara", hit.QuerySelector(".excerpt mark")!.TextContent);
        Assert.Equal("noindex", page.QuerySelector("meta[name=robots]")?.GetAttribute("content"));
        Assert.Equal("capybara", page.QuerySelector("input[name=q]")!.GetAttribute("value"));
    }

    [Theory]
    [InlineData("%22%28")]
    [InlineData("%3Cscript%3Ealert(1)%3C%2Fscript%3E")]
    [InlineData("a%20OR%20NOT")]
    [InlineData("title%3Ax%20NEAR(y)")]
    [InlineData("%00%E2%80%AE")]
    [InlineData("")]
    public async Task Any_query_answers_200_and_is_echoed_as_text(string q)
    {
        using var response = await host.Client.GetAsync($"/search?q={q}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Results_page_and_a_page_past_the_last_is_a_404()
    {
        for (var i = 0; i < ReaderHostFixture.PageSize + 1; i++) await host.CreateAsync($"Pangolin {i}", "pangolin facts");

        var first = await host.Client.GetStringAsync("/search?q=pangolin");
        var second = await host.Client.GetStringAsync("/search?q=pangolin&page=2");

        Assert.Contains("href=\"/search?q=pangolin&amp;page=2\"", first);
        Assert.Equal(ReaderHostFixture.PageSize, new HtmlParser().ParseDocument(first).QuerySelectorAll(".search-results > li").Length);
        Assert.Single(new HtmlParser().ParseDocument(second).QuerySelectorAll(".search-results > li"));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/search?q=pangolin&page=3")).StatusCode);
    }

    [Fact]
    public async Task A_new_post_is_found_at_once_and_a_deleted_one_no_longer()
    {
        Assert.DoesNotContain("Okapi", await host.Client.GetStringAsync("/search?q=okapi"));
        var post = await host.CreateAsync("Okapi", "okapi");
        Assert.Contains("Okapi", await host.Client.GetStringAsync("/search?q=okapi"));
        await host.DeleteAsync(post.Id);
        Assert.DoesNotContain("/posts/" + post.Slug, await host.Client.GetStringAsync("/search?q=okapi"));
    }
}
