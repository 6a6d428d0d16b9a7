using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace ActorBlog.Configuration;

/// <summary>
/// Where the blog listens (<c>actorblog.http.urls</c>, <c>--urls</c>), checked before Kestrel sees it.
/// Kestrel reads anything it cannot parse as a host name and then listens on every interface
/// (<c>http://0.0.0.0:abc</c> became <c>http://[::]:80</c>); here every address must name its scheme, an IP
/// address or <c>localhost</c>, and a numeric port, so a typo stops start-up instead of exposing the blog.
/// </summary>
public static partial class ListenAddresses
{
    private const string Example = "e.g. http://127.0.0.1:5080";

    [GeneratedRegex(@"^\d{1,3}(\.\d{1,3}){3}$")]
    private static partial Regex IPv4();

    /// <summary>Checks a ';'-separated list of addresses.</summary>
    /// <returns>The addresses as Kestrel should get them: scheme://host:port, ';'-separated.</returns>
    public static string Check(string key, string raw)
    {
        var entries = raw.Split(';', StringSplitOptions.TrimEntries);
        if (entries.All(e => e.Length == 0)) throw new SettingsException(key, $"must name at least one address, {Example}");
        return string.Join(';', entries.Select(entry => entry.Length == 0
            ? throw new SettingsException(key, $"'{raw}' has an empty address between ';'")
            : One(key, entry)));
    }

    private static string One(string key, string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
            throw new SettingsException(key, $"'{url}' has no scheme; write http://ADDRESS:PORT or https://ADDRESS:PORT, {Example}");
        var scheme = url[..schemeEnd].ToLowerInvariant();
        if (scheme is not ("http" or "https"))
            throw new SettingsException(key, $"'{url}' has the scheme '{url[..schemeEnd]}'; only http and https are served");

        var rest = url[(schemeEnd + 3)..];
        if (rest.EndsWith('/')) rest = rest[..^1];
        if (rest.Contains('/')) throw new SettingsException(key, $"'{url}' has a path; write only scheme://ADDRESS:PORT, {Example}");

        string host, port;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']');
            if (close < 0) throw new SettingsException(key, $"'{url}' has an unclosed '[' around its IPv6 address");
            host = rest[..(close + 1)];
            var after = rest[(close + 1)..];
            port = after.StartsWith(':') ? after[1..] : after.Length == 0 ? "" : throw new SettingsException(key, $"'{url}' has '{after}' after its address");
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            (host, port) = colon < 0 ? (rest, "") : (rest[..colon], rest[(colon + 1)..]);
        }

        if (port.Length == 0) throw new SettingsException(key, $"'{url}' names no port, {Example}");
        if (!port.All(char.IsAsciiDigit) || port.Length > 5 || int.Parse(port, CultureInfo.InvariantCulture) > 65535)
            throw new SettingsException(key, $"'{url}' has the port '{port}'; a port is a number 0..65535, {Example}");
        CheckHost(key, url, host);
        return $"{scheme}://{host}:{int.Parse(port, CultureInfo.InvariantCulture)}";
    }

    private static void CheckHost(string key, string url, string host)
    {
        if (host.Length == 0) throw new SettingsException(key, $"'{url}' names no address, {Example}");
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return;
        if (host.StartsWith('[') && IPAddress.TryParse(host[1..^1], out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) return;
        if (IPv4().IsMatch(host) && IPAddress.TryParse(host, out _)) return;
        // Kestrel answers a host name (or * or +) on every interface: that must be said with an address, not implied.
        throw new SettingsException(key, $"'{url}' has the host '{host}', which is not an IP address; Kestrel would listen on every " +
                                         "interface for it. Write an address (127.0.0.1, [::1], or 0.0.0.0 for every interface) or localhost");
    }
}
