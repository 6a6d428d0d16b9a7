using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace ActorBlog.Host.Tests;

/// <summary>Section 10 of the contract: what readers, feed readers and search engines find in the pages' heads, the feeds, /tags and /robots.txt.</summary>
public sealed class ReaderHeadTests(ReaderHostFixture host) : IClassFixture<ReaderHostFixture>
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    [Fact]
    public async Task Every_page_type_has_lang_title_description_absolute_canonical_feed_links_and_icon()
    {
        var tag = ReaderHostFixture.UniqueTag();
        var post = await host.CreateAsync("Head of a post", "First words of the post.", [tag]);

        (string Path, string Canonical)[] pages =
        [
            ("/", "https://blog.example.org/"), ($"/posts/{post.Slug}", $"https://blog.example.org/posts/{post.Slug}"),
            ($"/tags/{tag}", $"https://blog.example.org/tags/{tag}"), ("/tags", "https://blog.example.org/tags"),
        ];
        foreach (var (path, canonical) in pages)
        {
            var page = await Page(path);
            Assert.Equal("en", page.DocumentElement.GetAttribute("lang"));
            Assert.False(string.IsNullOrWhiteSpace(page.Title), path);
            Assert.False(string.IsNullOrWhiteSpace(Meta(page, "description")), path);
            Assert.Equal(canonical, Link(page, "canonical"));
            Assert.Equal("/feed.xml", page.QuerySelector("link[rel=alternate][type='application/atom+xml']")?.GetAttribute("href"));
            Assert.Equal("/feed.json", page.QuerySelector("link[rel=alternate][type='application/feed+json']")?.GetAttribute("href"));
            Assert.NotNull(page.QuerySelector("link[rel=icon]"));
        }
        Assert.Equal("Notes on <testing> & things.", Meta(await Page("/"), "description"));
        Assert.Equal("https://blog.example.org/?page=2", await CanonicalOfPage2());
    }

    [Fact]
    public async Task A_post_page_carries_its_excerpt_as_description_and_Open_Graph_with_its_image()
    {
        var words = string.Join(' ', Enumerable.Range(1, 60).Select(i => $"word{i}"));
        var post = await host.CreateAsync("Preview <me>", $"{words}\n\n![a chart](/media/7/chart.png)");
        var plain = await host.CreateAsync("No image here", "Just text.");

        var page = await Page($"/posts/{post.Slug}");

        var description = Meta(page, "description")!;
        Assert.StartsWith("word1 word2 word3", description);
        Assert.EndsWith("…", description);
        Assert.True(description.Length <= 160, description);
        Assert.Equal("article", Property(page, "og:type"));
        Assert.Equal("Preview <me>", Property(page, "og:title"));
        Assert.Equal($"https://blog.example.org/posts/{post.Slug}", Property(page, "og:url"));
        Assert.Equal(description, Property(page, "og:description"));
        Assert.Equal("https://blog.example.org/media/7/chart.png", Property(page, "og:image"));
        Assert.Equal("summary_large_image", Meta(page, "twitter:card"));

        var other = await Page($"/posts/{plain.Slug}");
        Assert.Equal("Just text.", Meta(other, "description"));
        Assert.Null(Property(other, "og:image"));
        Assert.Equal("summary", Meta(other, "twitter:card"));
    }

    [Fact]
    public async Task Home_and_tag_pages_show_each_posts_excerpt_and_the_footer_shows_the_description()
    {
        var tag = ReaderHostFixture.UniqueTag();
        var post = await host.CreateAsync("Excerpted", "The *opening* line of an excerpted post.\n\n## Later\n\nMore.", [tag]);

        foreach (var path in new[] { "/", $"/tags/{tag}" })
        {
            var page = await Page(path);
            var item = page.QuerySelectorAll(".post-list > li").Single(li => li.QuerySelector("h2 a")?.GetAttribute("href") == $"/posts/{post.Slug}");
            Assert.Equal("The opening line of an excerpted post. Later More.", item.QuerySelector(".excerpt")?.TextContent);
            Assert.Contains("Notes on <testing> & things.", page.QuerySelector(".site-footer")!.TextContent);
        }
    }

    [Fact]
    public async Task The_tag_index_lists_every_published_tag_with_its_count_and_never_a_drafts()
    {
        var (shared, secret) = (ReaderHostFixture.UniqueTag(), ReaderHostFixture.UniqueTag());
        await host.CreateAsync("Tagged one", tags: [shared]);
        await host.CreateAsync("Tagged two", tags: [shared]);
        await host.CreateAsync("Tagged draft", tags: [shared, secret], status: "draft");

        var page = await Page("/tags");

        var items = page.QuerySelectorAll(".tag-index li").ToDictionary(li => li.QuerySelector("a")!.TextContent, li => li.QuerySelector(".count")!.TextContent);
        Assert.Equal("2 posts", items[shared]);
        Assert.DoesNotContain(secret, items.Keys);
        Assert.Equal(host.Reader.PublishedTagCounts().Count, items.Count);
        Assert.Equal($"/tags/{shared}", page.QuerySelectorAll(".tag-index a").Single(a => a.TextContent == shared).GetAttribute("href"));
    }

    [Fact]
    public async Task Robots_txt_names_the_absolute_sitemap()
    {
        using var response = await host.Client.GetAsync("/robots.txt");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n');
        Assert.Contains("Sitemap: https://blog.example.org/sitemap.xml", lines);
        Assert.Contains("User-agent: *", lines);
    }

    [Fact]
    public async Task The_JSON_feed_is_version_1_1_with_the_newest_20_and_the_Atom_feeds_ids()
    {
        for (var i = 0; i < 21; i++) await host.CreateAsync($"Json filler {i}");
        var newest = await host.CreateAsync("Json newest", "See [the other](/posts/elsewhere) and ![pic](pic.png).");

        using var response = await host.Client.GetAsync("/feed.json");
        Assert.Equal("application/feed+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal("https://jsonfeed.org/version/1.1", root.GetProperty("version").GetString());
        Assert.Equal("Test <Blog> & Co", root.GetProperty("title").GetString());
        Assert.Equal("https://blog.example.org/feed.json", root.GetProperty("feed_url").GetString());
        Assert.Equal("Notes on <testing> & things.", root.GetProperty("description").GetString());
        var items = root.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(20, items.Count);
        var first = items[0];
        Assert.Equal("Json newest", first.GetProperty("title").GetString());
        Assert.Equal($"https://blog.example.org/posts/{newest.Slug}", first.GetProperty("url").GetString());
        var content = first.GetProperty("content_html").GetString()!;
        Assert.Contains("href=\"https://blog.example.org/posts/elsewhere\"", content);
        Assert.Contains($"src=\"https://blog.example.org/posts/pic.png\"", content);
        Assert.Equal("https://blog.example.org/posts/pic.png", first.GetProperty("image").GetString());
        Assert.All(items, i => Assert.Equal("Test <Blog> & Co", i.GetProperty("authors")[0].GetProperty("name").GetString()));

        var atomIds = XDocument.Parse(await host.Client.GetStringAsync("/feed.xml")).Root!.Elements(Atom + "entry").Select(e => (string)e.Element(Atom + "id")!);
        Assert.Equal(atomIds, items.Select(i => i.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Atom_entries_have_an_author_absolute_links_and_the_feed_a_subtitle()
    {
        var post = await host.CreateAsync("Atom links", "A [relative link](/tags/x) and [an absolute one](https://example.com/a).");

        var feed = XDocument.Parse(await host.Client.GetStringAsync("/feed.xml")).Root!;

        Assert.Equal("Notes on <testing> & things.", (string)feed.Element(Atom + "subtitle")!);
        var entry = feed.Elements(Atom + "entry").Single(e => (string)e.Element(Atom + "title")! == "Atom links");
        Assert.Equal("Test <Blog> & Co", (string)entry.Element(Atom + "author")!.Element(Atom + "name")!);
        var content = (string)entry.Element(Atom + "content")!;
        Assert.Contains("href=\"https://blog.example.org/tags/x\"", content);
        Assert.Contains("href=\"https://example.com/a\"", content);
        Assert.StartsWith("tag:blog.example.org,", (string)entry.Element(Atom + "id")!);
        Assert.EndsWith($":post-{post.Id}", (string)entry.Element(Atom + "id")!);
    }

    [Fact]
    public async Task Feed_ids_keep_the_first_starts_host_after_base_url_changes_and_name_the_author()
    {
        using var data = new TempDirectory();
        var dataDir = data.Path.Replace("\\", "/");
        string Config(string baseUrl) => $$"""
            actorblog.backup.enabled = off
            actorblog.data-dir = "{{dataDir}}"
            actorblog.blog { base-url = "{{baseUrl}}", author = "Ada Writer" }
            """;

        List<string> before;
        await using (var first = await TestHost.StartAsync(Config("http://old.example.net/")))
        {
            await first.Client.PostAsync("/api/posts", Json("""{"title":"Moved","markdown":"x","status":"published"}"""));
            before = await AtomIds(first);
            var entry = XDocument.Parse(await first.Client.GetStringAsync("/feed.xml")).Root!.Element(Atom + "entry")!;
            Assert.Equal("Ada Writer", (string)entry.Element(Atom + "author")!.Element(Atom + "name")!);
        }
        await using var second = await TestHost.StartAsync(Config("https://new.example.com/blog/"));

        Assert.Equal(before, await AtomIds(second));
        Assert.All(before, id => Assert.StartsWith("tag:old.example.net,", id));
        var link = XDocument.Parse(await second.Client.GetStringAsync("/feed.xml")).Root!.Element(Atom + "entry")!.Element(Atom + "link")!;
        Assert.StartsWith("https://new.example.com/blog/posts/", (string)link.Attribute("href")!);
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    private static async Task<List<string>> AtomIds(TestHost h) =>
        XDocument.Parse(await h.Client.GetStringAsync("/feed.xml")).Root!.Elements(Atom + "entry").Select(e => (string)e.Element(Atom + "id")!).ToList();

    private async Task<string?> CanonicalOfPage2()
    {
        for (var i = 0; i < ReaderHostFixture.PageSize + 1; i++) await host.CreateAsync($"Filler {i}");
        return Link(await Page("/?page=2"), "canonical");
    }

    private async Task<IDocument> Page(string path)
    {
        using var response = await host.Client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }

    private static string? Meta(IDocument page, string name) =>
        page.QuerySelectorAll("meta[name]").FirstOrDefault(m => m.GetAttribute("name") == name)?.GetAttribute("content");

    private static string? Property(IDocument page, string property) =>
        page.QuerySelectorAll("meta[property]").FirstOrDefault(m => m.GetAttribute("property") == property)?.GetAttribute("content");

    private static string? Link(IDocument page, string rel) =>
        page.QuerySelectorAll("link[rel]").FirstOrDefault(l => l.GetAttribute("rel") == rel)?.GetAttribute("href");
}
