using System.Net;
using System.Text.RegularExpressions;

namespace ActorBlog.Host.Tests.Infrastructure;

/// <summary>A browser-like client for the desk: keeps cookies, never follows redirects, reads form tokens from pages.</summary>
public sealed partial class DeskClient : IDisposable
{
    public DeskClient(Uri address)
    {
        Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = address };
    }

    public CookieContainer Cookies { get; } = new();
    public HttpClient Http { get; }

    /// <summary>The antiforgery token of the first form on <paramref name="path"/>.</summary>
    public async Task<string> FormTokenAsync(string path)
    {
        var page = await Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        return TokenField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
    }

    public Task<HttpResponseMessage> PostFormAsync(string path, params (string Name, string Value)[] fields) =>
        Http.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))));

    public async Task<HttpResponseMessage> SignInAsync(string token)
    {
        var formToken = await FormTokenAsync("/desk/sign-in");
        return await PostFormAsync("/desk/sign-in", ("__RequestVerificationToken", formToken), ("token", token));
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
