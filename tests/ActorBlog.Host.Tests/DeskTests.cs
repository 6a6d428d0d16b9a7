using System.Net;
using System.Net.Http.Headers;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Host.Web;
using ActorBlog.Media;
using ActorBlog.Posts;
using SkiaSharp;

namespace ActorBlog.Host.Tests;

/// <summary>
/// The desk over plain HTTP against the real host: sign-in, the session cookie's limits, forgery
/// protection on every form, and the no-JavaScript paths (preview, upload, conflict).
/// </summary>
public sealed class DeskTests : IAsyncLifetime
{
    private TestHost _host = null!;
    private DeskClient _desk = null!;

    public async Task InitializeAsync()
    {
        _host = await TestHost.StartAsync("actorblog.backup.enabled = off");
        _desk = new DeskClient(_host.Address);
    }

    public async Task DisposeAsync()
    {
        _desk.Dispose();
        await _host.DisposeAsync();
    }

    private PostReader Posts => _host.Services.GetRequiredService<PostReader>();

    [Fact]
    public async Task An_unsigned_visit_is_sent_to_the_sign_in_form_which_then_returns_there()
    {
        var visit = await _desk.Http.GetAsync("/desk/backups");
        Assert.Equal(HttpStatusCode.Redirect, visit.StatusCode);
        Assert.Equal("/desk/sign-in?return=%2Fdesk%2Fbackups", visit.Headers.Location!.PathAndQuery);

        var formToken = await _desk.FormTokenAsync("/desk/sign-in?return=%2Fdesk%2Fbackups");
        var signedIn = await _desk.PostFormAsync("/desk/sign-in", ("__RequestVerificationToken", formToken), ("token", TestHost.Token), ("return", "/desk/backups"));

        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        Assert.Equal("/desk/backups", signedIn.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await _desk.Http.GetAsync("/desk/backups")).StatusCode);
    }

    [Fact]
    public async Task The_session_cookie_is_HttpOnly_SameSite_Strict_and_limited_to_the_desk()
    {
        var signedIn = await _desk.SignInAsync(TestHost.Token);

        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("actorblog-desk=", StringComparison.Ordinal));
        Assert.Contains("path=/desk", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        // Plain http here: a Secure cookie would never come back. Over https it is Secure (SameAsRequest).
        Assert.DoesNotContain("secure", cookie.Replace("samesite", "", StringComparison.OrdinalIgnoreCase), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_desk_cookie_never_works_on_the_api_not_even_with_an_antiforgery_token()
    {
        Assert.Equal(HttpStatusCode.SeeOther, (await _desk.SignInAsync(TestHost.Token)).StatusCode);
        var formToken = await _desk.FormTokenAsync("/desk/posts/new");
        var cookies = string.Join("; ", _desk.Cookies.GetCookies(new Uri(_host.Address, "/desk")).Select(c => $"{c.Name}={c.Value}"));
        Assert.Contains("actorblog-desk=", cookies);
        using var api = _host.NewClient(token: null);

        foreach (var (method, path) in new[] { (HttpMethod.Get, "/api/posts"), (HttpMethod.Post, "/api/posts"), (HttpMethod.Get, "/api/media"), (HttpMethod.Post, "/api/backups") })
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Add("Cookie", cookies);
            request.Headers.Add("X-CSRF-TOKEN", formToken);
            if (method == HttpMethod.Post) request.Content = new StringContent("""{"title":"via cookie","markdown":"x"}""", System.Text.Encoding.UTF8, "application/json");
            var response = await api.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {response.StatusCode}");
        }
        Assert.Equal(0, Posts.Count());
    }

    [Fact]
    public async Task Forms_without_the_antiforgery_token_are_refused_and_change_nothing()
    {
        var noTokenSignIn = await _desk.PostFormAsync("/desk/sign-in", ("token", TestHost.Token));
        Assert.Equal(HttpStatusCode.BadRequest, noTokenSignIn.StatusCode);
        Assert.Contains("did not come from the desk", await noTokenSignIn.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.SeeOther, (await _desk.SignInAsync(TestHost.Token)).StatusCode);
        var created = await _host.Client.PostAsync("/api/posts", new StringContent("""{"title":"Kept","markdown":"kept"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var revision = Posts.Revision();

        var forged = new (string, (string, string)[])[]
        {
            ("/desk/posts/new", [("title", "Forged"), ("markdown", "x"), ("action", "publish")]),
            ("/desk/posts/1", [("title", "Forged"), ("markdown", "x"), ("version", "1"), ("action", "save")]),
            ("/desk/posts/1/delete", []),
            ("/desk/backups", []),
            ("/desk/sign-out", []),
            ("/desk/posts/1", [("__RequestVerificationToken", "made-up"), ("title", "Forged"), ("markdown", "x"), ("version", "1")]),
        };
        foreach (var (path, fields) in forged)
        {
            var response = await _desk.PostFormAsync(path, fields);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}: {response.StatusCode}");
        }
        var upload = new MultipartFormDataContent { { new ByteArrayContent(TestImages.Encode(50, 50, SKEncodedImageFormat.Png)), "file", "x.png" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await _desk.Http.PostAsync("/desk/media", upload)).StatusCode);

        Assert.Equal(revision, Posts.Revision());
        Assert.Equal("Kept", Posts.ById(1)!.Title);
        Assert.Empty(_host.Services.GetRequiredService<MediaReader>().List());
        Assert.Equal(HttpStatusCode.OK, (await _desk.Http.GetAsync("/desk")).StatusCode); // still signed in
    }

    [Fact]
    public async Task Wrong_tokens_on_the_desk_count_in_the_api_throttle()
    {
        for (var i = 0; i < FailedAuthThrottle.MaxFailures; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await _desk.SignInAsync("wrong-" + i)).StatusCode);

        Assert.Equal(HttpStatusCode.TooManyRequests, (await _desk.SignInAsync(TestHost.Token)).StatusCode);
        var api = await _host.Client.GetAsync("/api/posts");
        Assert.Equal(HttpStatusCode.TooManyRequests, api.StatusCode);
        Assert.NotNull(api.Headers.RetryAfter);
    }

    [Fact]
    public async Task Returning_after_sign_in_goes_only_to_desk_pages()
    {
        foreach (var target in new[] { "https://elsewhere.example/", "//elsewhere.example/desk", "/desk//x", "/api/posts", "/desk\\..\\x" })
        {
            using var desk = new DeskClient(_host.Address);
            var formToken = await desk.FormTokenAsync("/desk/sign-in");
            var signedIn = await desk.PostFormAsync("/desk/sign-in", ("__RequestVerificationToken", formToken), ("token", TestHost.Token), ("return", target));
            Assert.Equal("/desk", signedIn.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task Desk_pages_have_their_own_script_policy_and_the_reader_pages_keep_none()
    {
        Assert.Equal(HttpStatusCode.SeeOther, (await _desk.SignInAsync(TestHost.Token)).StatusCode);
        var page = await _desk.Http.GetAsync("/desk/posts/new");
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Equal("no-store", page.Headers.CacheControl!.ToString());
        Assert.DoesNotContain("<script>", await page.Content.ReadAsStringAsync());

        var reader = await _host.NewClient(null).GetAsync("/");
        Assert.Contains("script-src 'none'", reader.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("img-src 'self'", reader.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Without_javascript_preview_save_publish_and_a_conflict_all_work_by_form()
    {
        Assert.Equal(HttpStatusCode.SeeOther, (await _desk.SignInAsync(TestHost.Token)).StatusCode);
        var token = await _desk.FormTokenAsync("/desk/posts/new");

        var preview = await _desk.PostFormAsync("/desk/posts/new", ("__RequestVerificationToken", token),
            ("title", "By form"), ("markdown", "Some *emphasis* <script>alert(1)</script>"), ("action", "preview"));
        var previewHtml = await preview.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Contains("<em>emphasis</em>", previewHtml);
        Assert.DoesNotContain("<script>alert", previewHtml); // the textarea keeps it as text; the preview drops it
        Assert.Equal(0, Posts.Count());

        var publish = await _desk.PostFormAsync("/desk/posts/new", ("__RequestVerificationToken", token),
            ("title", "By form"), ("tags", "a, b"), ("markdown", "First."), ("action", "publish"));
        Assert.Equal(HttpStatusCode.SeeOther, publish.StatusCode);
        var post = Assert.Single(Posts.ForAuthor(PostStatus.Published));
        Assert.Equal(["a", "b"], post.Tags);

        token = await _desk.FormTokenAsync($"/desk/posts/{post.Id}");
        var first = await _desk.PostFormAsync($"/desk/posts/{post.Id}", ("__RequestVerificationToken", token),
            ("title", "By form"), ("markdown", "From tab one."), ("version", "1"), ("action", "save"));
        Assert.Equal(HttpStatusCode.SeeOther, first.StatusCode);
        var second = await _desk.PostFormAsync($"/desk/posts/{post.Id}", ("__RequestVerificationToken", token),
            ("title", "By form"), ("markdown", "From tab two."), ("version", "1"), ("action", "save"));

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var conflict = await second.Content.ReadAsStringAsync();
        Assert.Contains("This post changed in another tab or window", conflict);
        Assert.Contains("From tab two.", conflict);
        Assert.Contains("From tab one.", conflict);
        Assert.Equal("From tab one.", Posts.ById(post.Id)!.Markdown);

        var unpublish = await _desk.PostFormAsync($"/desk/posts/{post.Id}", ("__RequestVerificationToken", token),
            ("title", "By form"), ("markdown", "From tab two."), ("version", "2"), ("action", "unpublish"));
        Assert.Equal(HttpStatusCode.SeeOther, unpublish.StatusCode);
        Assert.Equal(PostStatus.Draft, Posts.ById(post.Id)!.Status);

        var confirm = await _desk.Http.GetAsync($"/desk/posts/{post.Id}/delete");
        Assert.Contains("Delete “By form”?", await confirm.Content.ReadAsStringAsync());
        Assert.NotNull(Posts.ById(post.Id));
        var deleted = await _desk.PostFormAsync($"/desk/posts/{post.Id}/delete", ("__RequestVerificationToken", token));
        Assert.Equal(HttpStatusCode.SeeOther, deleted.StatusCode);
        Assert.Null(Posts.ById(post.Id));
    }

    [Fact]
    public async Task A_plain_upload_form_streams_the_image_with_its_token_first()
    {
        Assert.Equal(HttpStatusCode.SeeOther, (await _desk.SignInAsync(TestHost.Token)).StatusCode);
        var token = await _desk.FormTokenAsync("/desk/media");
        var png = TestImages.Encode(700, 300, SKEncodedImageFormat.Png);
        var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent("/desk/posts/new"), "return" },
            { new ByteArrayContent(png) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "file", "From The Form.png" },
        };

        var uploaded = await _desk.Http.PostAsync("/desk/media", form);

        Assert.Equal(HttpStatusCode.SeeOther, uploaded.StatusCode);
        var image = Assert.Single(_host.Services.GetRequiredService<MediaReader>().List());
        Assert.Equal($"/desk/posts/new?uploaded={image.Id}", uploaded.Headers.Location!.OriginalString);
        Assert.Equal("from-the-form.png", image.FileName);
        Assert.Equal(png, await _host.NewClient(null).GetByteArrayAsync(image.Url));
        Assert.Contains(image.Url, await _desk.Http.GetStringAsync("/desk/posts/new"));

        var svg = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent(TestImages.Svg), "file", "sneaky.png" },
        };
        var refused = await _desk.Http.PostAsync("/desk/media", svg);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        Assert.Contains("Only PNG, JPEG, GIF and WebP", await refused.Content.ReadAsStringAsync());
        Assert.Single(_host.Services.GetRequiredService<MediaReader>().List());
    }
}
