using System.Net;
using System.Net.Http.Headers;
using System.ServiceModel.Syndication;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using ActorBlog.Posts;

namespace ActorBlog.Host.Tests;

public sealed partial class ReaderPagesTests(ReaderHostFixture host) : IClassFixture<ReaderHostFixture>
{
    private static readonly XNamespace SitemapNs = "http://www.sitemaps.org/schemas/sitemap/0.9";

    [Fact]
    public async Task Every_route_answers_200_with_its_content_type()
    {
        var tag = ReaderHostFixture.UniqueTag();
        var post = await host.CreateAsync("Routes", tags: [tag]);

        (string Path, string MediaType)[] routes =
        [
            ("/", "text/html"), ($"/posts/{post.Slug}", "text/html"), ($"/tags/{tag}", "text/html"),
            ("/feed.xml", "application/atom+xml"), ("/sitemap.xml", "application/xml"), ("/site.css", "text/css"),
        ];
        foreach (var (path, mediaType) in routes)
        {
            using var response = await host.Client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
            Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
            if (path != "/site.css")
            {
                Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
                Assert.NotNull(response.Headers.ETag);
                Assert.False(response.Headers.ETag!.IsWeak);
                Assert.NotNull(response.Content.Headers.LastModified);
            }
        }
    }

    [Fact]
    public async Task Pages_are_semantic_html_with_the_blog_title_feed_link_and_no_inline_script_or_style()
    {
        var tag = ReaderHostFixture.UniqueTag();
        var post = await host.CreateAsync("Semantic", "Body **bold**.", [tag]);

        var html = await GetString($"/posts/{post.Slug}");

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<title>Semantic · Test &lt;Blog&gt; &amp; Co</title>", html);
        Assert.Contains("<link rel=\"alternate\" type=\"application/atom+xml\"", html);
        Assert.Matches("<link rel=\"stylesheet\" href=\"/site\\.[0-9a-f]{16}\\.css\"", html);
        foreach (var element in new[] { "<header", "<nav", "<main", "<article", "<footer", $"<time datetime=\"{post.PublishedAt!.Value.UtcDateTime:yyyy-MM-dd}T" })
            Assert.Contains(element, html);
        Assert.Contains("<strong>bold</strong>", html);
        Assert.Contains($"href=\"/tags/{tag}\"", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" style=", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Drafts_and_deleted_posts_appear_nowhere_a_reader_can_reach()
    {
        var secretTag = ReaderHostFixture.UniqueTag();
        var sharedTag = ReaderHostFixture.UniqueTag();
        var visible = await host.CreateAsync("Visible post", tags: [sharedTag]);
        var draft = await host.CreateAsync("Draft title zq1", tags: [secretTag, sharedTag], status: "draft");
        var deleted = await host.CreateAsync("Deleted title zq2", tags: [secretTag, sharedTag]);
        var unpublished = await host.CreateAsync("Unpublished title zq3", tags: [secretTag, sharedTag]);
        await host.DeleteAsync(deleted.Id);
        await host.UpdateAsync(unpublished, new PostInput(unpublished.Title, null, unpublished.Markdown, null, "draft"));
        var hidden = new[] { draft, deleted, unpublished };

        foreach (var post in hidden)
            await AssertNotFoundPage($"/posts/{post.Slug}");
        await AssertNotFoundPage($"/tags/{secretTag}");

        var tagPage = await GetString($"/tags/{sharedTag}");
        Assert.Contains(visible.Title, tagPage);
        var everything = string.Concat(await AllHomePages(), tagPage, await GetString("/feed.xml"), await GetString("/sitemap.xml"));
        foreach (var post in hidden)
        {
            Assert.DoesNotContain(post.Title, everything);
            Assert.DoesNotContain(post.Slug, everything);
        }
        var feed = await LoadFeed();
        Assert.DoesNotContain(feed.Items, item => hidden.Any(p => item.Title.Text == p.Title));
    }

    [Fact]
    public async Task A_matching_If_None_Match_answers_304_without_a_body_and_a_change_gives_a_new_ETag()
    {
        var post = await host.CreateAsync("Cached");
        var path = $"/posts/{post.Slug}";
        using var first = await host.Client.GetAsync(path);
        var etag = first.Headers.ETag!;

        using var notModified = await Send(path, r => r.Headers.IfNoneMatch.Add(etag));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, notModified.Headers.ETag);

        await host.UpdateAsync(post, new PostInput("Cached, edited", null, post.Markdown, null, null));
        using var changed = await Send(path, r => r.Headers.IfNoneMatch.Add(etag));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Contains("Cached, edited", await changed.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/feed.xml")]
    [InlineData("/sitemap.xml")]
    public async Task Lists_answer_304_while_unchanged_and_200_with_a_new_ETag_after_a_new_post(string path)
    {
        await host.CreateAsync("Something to list");
        using var first = await host.Client.GetAsync(path);
        var etag = first.Headers.ETag!;
        using var again = await Send(path, r => r.Headers.IfNoneMatch.Add(etag));
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);

        await host.CreateAsync("Something newer");
        using var after = await Send(path, r => r.Headers.IfNoneMatch.Add(etag));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(etag, after.Headers.ETag);
    }

    [Fact]
    public async Task If_Modified_Since_answers_304_only_when_there_is_no_If_None_Match()
    {
        var post = await host.CreateAsync("Dated");
        var path = $"/posts/{post.Slug}";
        using var first = await host.Client.GetAsync(path);
        var lastModified = first.Content.Headers.LastModified!.Value;
        Assert.Equal(post.UpdatedAt.ToUnixTimeSeconds(), lastModified.ToUnixTimeSeconds());

        using var notModified = await Send(path, r => r.Headers.IfModifiedSince = lastModified);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        using var older = await Send(path, r => r.Headers.IfModifiedSince = lastModified.AddSeconds(-1));
        Assert.Equal(HttpStatusCode.OK, older.StatusCode);

        using var etagWins = await Send(path, r =>
        {
            r.Headers.IfModifiedSince = lastModified;
            r.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));
        });
        Assert.Equal(HttpStatusCode.OK, etagWins.StatusCode);
    }

    [Fact]
    public async Task A_changed_slug_answers_301_to_the_new_one()
    {
        var oldSlug = ReaderHostFixture.UniqueSlug();
        var newSlug = ReaderHostFixture.UniqueSlug();
        var post = await host.CreateAsync("Renamed", slug: oldSlug);
        await host.UpdateAsync(post, new PostInput(post.Title, newSlug, post.Markdown, null, null));

        using var response = await host.Client.GetAsync($"/posts/{oldSlug}");

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal($"/posts/{newSlug}", response.Headers.Location?.OriginalString);
        using var target = await host.Client.GetAsync($"/posts/{newSlug}");
        Assert.Equal(HttpStatusCode.OK, target.StatusCode);
    }

    [Fact]
    public async Task An_old_slug_of_a_post_now_a_draft_is_a_plain_404()
    {
        var oldSlug = ReaderHostFixture.UniqueSlug();
        var post = await host.CreateAsync("Renamed then hidden", slug: oldSlug);
        await host.UpdateAsync(post, new PostInput(post.Title, ReaderHostFixture.UniqueSlug(), post.Markdown, null, "draft"));

        await AssertNotFoundPage($"/posts/{oldSlug}");
    }

    [Theory]
    [InlineData("/posts/no-such-post")]
    [InlineData("/posts/NOT_A_SLUG")]
    [InlineData("/tags/no-such-tag")]
    [InlineData("/tags/Bad%20Tag")]
    [InlineData("/no/such/page")]
    [InlineData("/?page=0")]
    [InlineData("/?page=-1")]
    [InlineData("/?page=abc")]
    [InlineData("/?page=1000001")]
    [InlineData("/?page=99999999999")]
    [InlineData("/?page=1&page=2")]
    [InlineData("/?page=1000000")]
    public async Task Unknown_addresses_answer_the_404_page(string path) => await AssertNotFoundPage(path);

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[x](javascript:alert(1))")]
    [InlineData("<svg onload=alert(1)>")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<iframe src=\"javascript:alert(1)\"></iframe>")]
    [InlineData("<div onmouseover=\"alert(1)\">hover</div>")]
    [InlineData("[x](JaVaScRiPt:alert(1))")]
    public async Task Script_in_markdown_never_reaches_a_page_or_the_feed(string vector)
    {
        var tag = ReaderHostFixture.UniqueTag();
        var post = await host.CreateAsync("Vector", $"Before\n\n{vector}\n\nAfter", [tag]);

        foreach (var html in new[] { await GetString($"/posts/{post.Slug}"), await GetString($"/tags/{tag}") })
            AssertNoScript(html);
        var entry = Assert.Single((await LoadFeed()).Items, i => i.Links.Any(l => l.Uri.AbsolutePath == $"/posts/{post.Slug}"));
        AssertNoScript(((TextSyndicationContent)entry.Content).Text);
        AssertNoScript(await GetString("/feed.xml"));
    }

    [Theory]
    [InlineData("\"><script>alert(1)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<svg onload=alert(1)>")]
    public async Task Titles_and_tags_are_text_never_markup(string vector)
    {
        var tag = ReaderHostFixture.UniqueTag();
        // The store validates tags; one that slipped past validation must still be inert.
        var post = host.CreateUnvalidated(vector, "Plain.", [tag, vector]);

        foreach (var html in new[] { await GetString($"/posts/{post.Slug}"), await GetString($"/tags/{tag}"), await GetString("/") })
        {
            AssertNoMarkup(html);
            Assert.Contains(WebUtility.HtmlEncode(vector).Replace("&#39;", "'"), html.Replace("&#x27;", "'"));
        }
        AssertNoMarkup(await GetString("/feed.xml"));
    }

    [Fact]
    public async Task Paging_shows_newer_posts_first_and_older_ones_on_the_next_page()
    {
        var tag = ReaderHostFixture.UniqueTag();
        var posts = new List<Post>();
        for (var n = 1; n <= ReaderHostFixture.PageSize + 2; n++) posts.Add(await host.CreateAsync($"Paged {n}", tags: [tag]));

        var page1 = await GetString($"/tags/{tag}");
        var page2 = await GetString($"/tags/{tag}?page=2");

        Assert.Equal(["Paged 5", "Paged 4", "Paged 3"], Titles(page1, posts));
        Assert.Equal(["Paged 2", "Paged 1"], Titles(page2, posts));
        Assert.Contains($"href=\"/tags/{tag}?page=2\">Older", page1);
        Assert.DoesNotContain("Newer", page1);
        Assert.Contains($"href=\"/tags/{tag}\">← Newer", page2);
        Assert.DoesNotContain("Older", page2);
        await AssertNotFoundPage($"/tags/{tag}?page=3");
    }

    [Fact]
    public async Task The_home_page_pages_through_every_published_post_newest_first()
    {
        await host.CreateAsync("Home paging a");
        await host.CreateAsync("Home paging b");
        await host.CreateAsync("Home paging c");
        await host.CreateAsync("Home paging d");

        var page1 = await GetString("/");
        var page2 = await GetString("/?page=2");

        var expected1 = host.Reader.Published(1, ReaderHostFixture.PageSize);
        var expected2 = host.Reader.Published(2, ReaderHostFixture.PageSize);
        Assert.Equal(expected1.Posts.Select(p => p.Slug), PostLinks(page1));
        Assert.Equal(expected2.Posts.Select(p => p.Slug), PostLinks(page2));
        Assert.True(expected1.Posts[^1].PublishedAt > expected2.Posts[0].PublishedAt);
        Assert.Contains("href=\"/?page=2\">Older", page1);
        Assert.Contains("href=\"/\">← Newer", page2);
    }

    [Fact]
    public async Task The_feed_is_Atom_with_the_newest_20_published_posts_and_absolute_links()
    {
        for (var i = 0; i < 22; i++) await host.CreateAsync($"Feed filler {i}");
        var draft = await host.CreateAsync("Feed draft", status: "draft");
        var newest = await host.CreateAsync("Feed newest", "Feed **body**");

        var raw = await GetString("/feed.xml");
        var feed = await LoadFeed();

        Assert.Contains("xmlns=\"http://www.w3.org/2005/Atom\"", raw);
        Assert.Equal("Test <Blog> & Co", feed.Title.Text);
        Assert.Equal("Test <Blog> & Co", Assert.Single(feed.Authors).Name);
        Assert.Equal(20, feed.Items.Count());
        var expected = host.Reader.Published(1, 20).Posts;
        Assert.Equal(expected.Select(p => p.Title), feed.Items.Select(i => i.Title.Text));
        var first = feed.Items.First();
        Assert.Equal(newest.Title, first.Title.Text);
        Assert.Equal($"https://blog.example.org/posts/{newest.Slug}", first.Links.Single(l => l.RelationshipType == "alternate").Uri.AbsoluteUri);
        Assert.Equal(newest.Html, ((TextSyndicationContent)first.Content).Text);
        Assert.Contains(feed.Links, l => l.RelationshipType == "self" && l.Uri.AbsoluteUri == "https://blog.example.org/feed.xml");
        Assert.DoesNotContain(feed.Items, i => i.Title.Text == draft.Title);
        Assert.All(feed.Items, i => Assert.StartsWith("tag:blog.example.org,", i.Id));
    }

    [Fact]
    public async Task The_sitemap_lists_home_and_every_published_post_with_lastmod()
    {
        var published = await host.CreateAsync("Mapped");
        var draft = await host.CreateAsync("Unmapped", status: "draft");

        var document = XDocument.Parse(await GetString("/sitemap.xml"));

        var urls = document.Root!.Elements(SitemapNs + "url").ToList();
        Assert.Equal(SitemapNs + "urlset", document.Root.Name);
        var locations = urls.Select(u => (string)u.Element(SitemapNs + "loc")!).ToList();
        Assert.Equal("https://blog.example.org/", locations[0]);
        Assert.Equal(host.Reader.PublishedSlugs().Count + 1, urls.Count);
        Assert.Contains($"https://blog.example.org/posts/{published.Slug}", locations);
        Assert.DoesNotContain($"https://blog.example.org/posts/{draft.Slug}", locations);
        var entry = urls.Single(u => (string)u.Element(SitemapNs + "loc")! == $"https://blog.example.org/posts/{published.Slug}");
        Assert.Equal(published.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), (string)entry.Element(SitemapNs + "lastmod")!);
    }

    [Fact]
    public async Task HEAD_answers_like_GET_without_a_body()
    {
        var post = await host.CreateAsync("Head");
        using var get = await host.Client.GetAsync($"/posts/{post.Slug}");
        using var head = await Send($"/posts/{post.Slug}", _ => { }, HttpMethod.Head);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    private async Task<string> GetString(string path)
    {
        using var response = await host.Client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<HttpResponseMessage> Send(string path, Action<HttpRequestMessage> configure, HttpMethod? method = null)
    {
        var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        configure(request);
        return await host.Client.SendAsync(request);
    }

    private async Task AssertNotFoundPage(string path)
    {
        using var response = await host.Client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<h1>Not found</h1>", html);
        Assert.Contains("Test &lt;Blog&gt; &amp; Co", html);
    }

    private async Task<string> AllHomePages()
    {
        var pages = new List<string>();
        for (var page = 1; ; page++)
        {
            var html = await GetString(page == 1 ? "/" : $"/?page={page}");
            pages.Add(html);
            if (!html.Contains("Older", StringComparison.Ordinal)) return string.Concat(pages);
        }
    }

    private async Task<SyndicationFeed> LoadFeed()
    {
        await using var stream = await host.Client.GetStreamAsync("/feed.xml");
        using var reader = XmlReader.Create(stream, new XmlReaderSettings { Async = true });
        return SyndicationFeed.Load(reader);
    }

    private static List<string> Titles(string html, IEnumerable<Post> candidates) =>
        PostLinks(html).Select(slug => candidates.Single(p => p.Slug == slug).Title).ToList();

    private static List<string> PostLinks(string html) =>
        PostLink().Matches(html).Select(m => m.Groups[1].Value).ToList();

    /// <summary>No script element, no event handler attribute inside a tag, no javascript: URL anywhere.</summary>
    private static void AssertNoScript(string output)
    {
        AssertNoMarkup(output);
        Assert.DoesNotContain("javascript:", output, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The vector may appear as encoded text; it must never be an element or attribute.</summary>
    private static void AssertNoMarkup(string output)
    {
        Assert.DoesNotContain("<script", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<svg", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(EventHandlerInTag(), output);
    }

    [GeneratedRegex("<h2><a href=\"/posts/([a-z0-9-]+)\">")]
    private static partial Regex PostLink();

    /// <summary>An on*= attribute of an element, found by walking its attributes so text inside quoted values does not count.</summary>
    [GeneratedRegex(@"<[a-zA-Z][\w:-]*(?:\s+[^\s""'<>=/]+(?:\s*=\s*(?:""[^""]*""|'[^']*'|[^\s""'<>]+))?)*\s+on[a-zA-Z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerInTag();
}
