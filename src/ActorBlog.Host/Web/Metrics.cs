using System.Net;
using ActorBlog.Observability;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ActorBlog.Host.Web;

/// <summary>
/// <c>GET /metrics</c>: Prometheus text from OpenTelemetry's exporter, with the blog's own
/// instruments (<see cref="BlogMetrics"/>) and ASP.NET Core's HTTP server metrics. Answered to a
/// client on this machine, or to anyone with the author token.
/// </summary>
public static class Metrics
{
    public const string Path = "/metrics";

    /// <summary>The meters exported: ours, and the ones ASP.NET Core and Kestrel create themselves.</summary>
    public static MeterProviderBuilder AddBlogMeters(this MeterProviderBuilder metrics) => metrics
        .ConfigureResource(resource => resource.AddService("actorblog"))
        .AddMeter(BlogMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
        // No scrape cache (the exporter's default keeps one for 300 ms): a scrape just after a commit or a
        // backup must show it, and scrapes come seconds apart, so rendering each one costs nothing that matters.
        .AddPrometheusExporter(exporter => exporter.ScrapeResponseCacheDurationMilliseconds = 0);

    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            var services = context.RequestServices;
            if (IsLocal(context.Request.HttpContext)
                || BearerTokenFilter.Refusal(context, services.GetRequiredService<AuthorToken>(), services.GetRequiredService<FailedAuthThrottle>()) is not { } refused)
                await next(context);
            else
                await refused.ExecuteAsync(context);
        }), optionsName: null);
        return app;
    }

    /// <summary>
    /// A loopback connection that no proxy forwarded. A reverse proxy on this machine connects from
    /// loopback for every visitor; its forwarding headers show the request came from elsewhere.
    /// </summary>
    public static bool IsLocal(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null) return false;
        if (remote.IsIPv4MappedToIPv6) remote = remote.MapToIPv4();
        var headers = context.Request.Headers;
        return IPAddress.IsLoopback(remote)
               && !headers.ContainsKey("X-Forwarded-For") && !headers.ContainsKey("Forwarded") && !headers.ContainsKey("X-Real-IP");
    }
}
