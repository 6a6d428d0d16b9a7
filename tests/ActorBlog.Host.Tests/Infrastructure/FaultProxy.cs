// Spelled out (not the Web SDK's implicit usings): ActorBlog.Tests links this file too.
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorBlog.Host.Tests.Infrastructure;

/// <summary>What the proxy does to one request.</summary>
public enum Fault { Pass, Status500, Status503, Stall, Abort }

/// <summary>
/// A reverse proxy on loopback in front of a real S3-compatible server: the network edge where a
/// test can damage what travels, since a real store cannot be made to flip a byte on demand.
/// </summary>
public sealed partial class FaultProxy : IAsyncDisposable
{
    [GeneratedRegex("<ETag>(.*?)</ETag>")]
    private static partial Regex CompletionETag();

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;

    private FaultProxy(WebApplication app, HttpClient upstream, string address)
    {
        _app = app;
        _upstream = upstream;
        Endpoint = address;
    }

    public string Endpoint { get; }

    /// <summary>When set, flips one byte in the body of GET answers whose path ends like this.</summary>
    public string? CorruptGetsEndingWith { get; set; }

    /// <summary>When set, flips one byte in the body of PUT requests (PutObject, UploadPart) whose path ends like this: damage on the way to the store.</summary>
    public string? CorruptPutsEndingWith { get; set; }

    public int Corrupted { get; private set; }

    /// <summary>
    /// When set, replaces the ETag the store answers to a PutObject (its header) or to a
    /// CompleteMultipartUpload (the ETag in its XML), given the request, its body and the store's
    /// ETag (quoted): a store whose ETags are computed another way than s3rver's.
    /// </summary>
    public Func<HttpRequest, byte[], string, string>? RewriteETag { get; set; }

    /// <summary>Decides, per request, whether to pass it on or fail it the way a sick store would.</summary>
    public Func<HttpRequest, Fault> Inject { get; set; } = _ => Fault.Pass;

    public int Injected { get; private set; }

    public static async Task<FaultProxy> StartAsync(string upstream)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(upstream) };
        FaultProxy? proxy = null;
        app.Run(context => proxy!.ForwardAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy = new FaultProxy(app, client, address);
        return proxy;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var request = context.Request;
        var fault = Inject(request);
        if (fault != Fault.Pass) Injected++;
        switch (fault)
        {
            case Fault.Status500 or Fault.Status503:
                context.Response.StatusCode = fault == Fault.Status500 ? 500 : 503;
                context.Response.ContentType = "application/xml";
                await context.Response.WriteAsync("<Error><Code>InternalError</Code><Message>injected by the test</Message></Error>");
                return;
            case Fault.Stall:
                // Hold the request until the client gives up: a store that accepted and then went silent.
                try { await Task.Delay(TimeSpan.FromMinutes(5), context.RequestAborted); } catch (OperationCanceledException) { }
                return;
            case Fault.Abort:
                context.Abort(); // the connection is cut mid-request
                return;
        }
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Path + request.QueryString);
        var requestBody = Array.Empty<byte>();
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            requestBody = body.ToArray();
            if (request.Method == "PUT" && CorruptPutsEndingWith is { } put && request.Path.Value!.EndsWith(put, StringComparison.Ordinal) && requestBody.Length > 0)
            {
                requestBody[requestBody.Length / 2] ^= 0x01;
                Corrupted++;
            }
            message.Content = new ByteArrayContent(requestBody);
        }
        foreach (var (name, values) in request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)) continue;
            if (!message.Headers.TryAddWithoutValidation(name, values.ToArray()))
                message.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
        }

        using var response = await _upstream.SendAsync(message, HttpCompletionOption.ResponseContentRead);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (request.Method == "GET" && CorruptGetsEndingWith is { } suffix && request.Path.Value!.EndsWith(suffix, StringComparison.Ordinal)
            && response.IsSuccessStatusCode && bytes.Length > 0)
        {
            bytes[bytes.Length / 2] ^= 0x01;
            Corrupted++;
        }

        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) continue;
            context.Response.Headers[name] = values.ToArray();
        }
        if (RewriteETag is { } rewrite && response.IsSuccessStatusCode)
        {
            var query = request.Query;
            if (request.Method == "PUT" && !query.ContainsKey("partNumber") && context.Response.Headers.ETag is { Count: > 0 } etag)
                context.Response.Headers.ETag = rewrite(request, requestBody, etag.ToString());
            else if (request.Method == "POST" && query.ContainsKey("uploadId"))
                bytes = Encoding.UTF8.GetBytes(CompletionETag().Replace(Encoding.UTF8.GetString(bytes), m =>
                    $"<ETag>{System.Security.SecurityElement.Escape(rewrite(request, requestBody, System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)))}</ETag>"));
        }
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes);
    }

    public async ValueTask DisposeAsync()
    {
        _upstream.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
