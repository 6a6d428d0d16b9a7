using System.Net;
using Akka.Configuration;

namespace ActorBlog.Configuration;

/// <summary>
/// <c>actorblog.http.forwarded-headers</c>: the reverse proxies whose X-Forwarded-For (and -Proto) the blog
/// believes, as addresses or networks. <c>off</c> (the default) believes no one, so a client cannot pick the
/// address the failed-auth throttle counts against.
/// </summary>
public static class TrustedProxies
{
    public static IReadOnlyList<IPNetwork> Read(Config config, string key)
    {
        var value = config.GetValue(key);
        if (value is null) return [];
        IEnumerable<string> entries;
        if (value.IsArray()) entries = value.GetArray().Select(v => v.GetString() ?? "");
        else
        {
            var text = value.GetString()?.Trim() ?? "";
            if (text.ToLowerInvariant() is "off" or "false" or "no" or "") return [];
            entries = text.Split(',');
        }
        return entries.Select(e => e.Trim()).Select(e => Parse(key, e)).ToList();
    }

    private static IPNetwork Parse(string key, string entry)
    {
        if (IPAddress.TryParse(entry, out var address) && !entry.Contains('/'))
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        if (IPNetwork.TryParse(entry, out var network)) return network;
        throw new SettingsException(key, $"'{entry}' is not an IP address or network; write off, or a list such as [\"127.0.0.1\", \"10.0.0.0/8\"]");
    }
}
