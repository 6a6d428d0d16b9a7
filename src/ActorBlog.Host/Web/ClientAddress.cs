using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace ActorBlog.Host.Web;

/// <summary>
/// Which address a request comes from: the connection's, or, from a proxy listed in
/// <c>actorblog.http.forwarded-headers</c>, the one it puts in X-Forwarded-For (ASP.NET Core's
/// ForwardedHeaders middleware). Off by default, so a direct client cannot choose the address
/// the failed-auth throttle counts against by sending the header itself.
/// </summary>
public static class ClientAddress
{
    public static void Configure(IServiceCollection services, IReadOnlyList<System.Net.IPNetwork> trustedProxies)
    {
        if (trustedProxies.Count == 0) return;
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The defaults trust loopback; only what the operator lists is trusted here.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var network in trustedProxies) o.KnownIPNetworks.Add(network);
            // Walk X-Forwarded-For from the right while the hop is a trusted proxy: the first other
            // address is the client, whatever a client wrote further left.
            o.ForwardLimit = null;
        });
    }

    public static void Use(WebApplication app, IReadOnlyList<System.Net.IPNetwork> trustedProxies)
    {
        if (trustedProxies.Count > 0) app.UseForwardedHeaders();
    }

    /// <summary>The address a throttle should count: IPv4-mapped addresses as IPv4, IPv6 by its /64 (one site, however many addresses it holds).</summary>
    public static IPAddress? Of(HttpContext http) => Normalize(http.Connection.RemoteIpAddress);

    public static IPAddress? Normalize(IPAddress? address)
    {
        if (address is null) return null;
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return address;
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
