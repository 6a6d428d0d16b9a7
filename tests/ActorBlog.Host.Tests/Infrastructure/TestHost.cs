using System.Collections;
using System.Net.Http.Headers;
using ActorBlog.Configuration;
using ActorBlog.Host;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;

namespace ActorBlog.Host.Tests.Infrastructure;

/// <summary>The real host, in this process, on a random loopback port, over a temp data directory.</summary>
public sealed class TestHost : IAsyncDisposable
{
    public const string Token = "test-token-0123456789abcdef-0123456789";

    private readonly WebApplication _app;
    private readonly bool _keepFiles;

    private TestHost(WebApplication app, string root, BlogHostOptions options, Uri address, bool keepFiles)
    {
        _app = app;
        _keepFiles = keepFiles;
        Root = root;
        Options = options;
        Address = address;
        Client = NewClient(Token);
    }

    public string Root { get; }
    public BlogHostOptions Options { get; }
    public Uri Address { get; }
    /// <summary>Sends the author token; never follows redirects, so 301s can be seen.</summary>
    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;

    /// <param name="keepFiles">Leave <paramref name="root"/> in place when disposed, for a next host over the same files.</param>
    /// <param name="logger">Where the host logs (none by default), e.g. a sink the test reads.</param>
    public static async Task<TestHost> StartAsync(string? hocon = null, IDictionary? environment = null, string? root = null, bool keepFiles = false,
        Serilog.ILogger? logger = null)
    {
        root ??= Path.Combine(Path.GetTempPath(), "actorblog-host-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        string? file = null;
        if (hocon is not null) File.WriteAllText(file = Path.Combine(root, "test.conf"), hocon);
        var env = environment ?? new Hashtable();
        env["ACTORBLOG_AUTHOR_TOKEN"] ??= Token;
        var config = ActorBlogConfig.Load(file, env);
        var options = BlogHostOptions.Create(config, root, "http://127.0.0.1:0", env);
        var app = BlogHost.Build(options, logger ?? Serilog.Core.Logger.None);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestHost(app, root, options, new Uri(address), keepFiles);
    }

    public HttpClient NewClient(string? token)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Address };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_keepFiles) return;
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
