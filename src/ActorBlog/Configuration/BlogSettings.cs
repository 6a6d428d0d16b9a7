using System.Text.RegularExpressions;
using Akka.Configuration;

namespace ActorBlog.Configuration;

/// <summary>Where the blog keeps its files, how it listens and how it looks. Built once from HOCON.</summary>
public sealed partial record BlogSettings
{
    public required string DataDir { get; init; }
    public required string DatabasePath { get; init; }
    public required string JournalPath { get; init; }
    public required string Urls { get; init; }
    public required string Title { get; init; }
    public required Uri BaseUrl { get; init; }
    /// <summary>What the blog is about: the home page's meta description and the feeds' subtitle.</summary>
    public required string Description { get; init; }
    /// <summary>Who writes it: the feeds' entry authors and the footer. Empty means the blog's title speaks for it.</summary>
    public required string Author { get; init; }
    /// <summary>The pages' and feeds' language, a BCP 47 tag such as <c>en</c> or <c>de-CH</c>.</summary>
    public required string Language { get; init; }
    public required int PageSize { get; init; }
    public required TimeSpan WriteTimeout { get; init; }
    public required TimeSpan BusyTimeout { get; init; }
    /// <summary>Reverse proxies whose X-Forwarded-For is believed (actorblog.http.forwarded-headers); empty: none.</summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>The generated author token lives here when ACTORBLOG_AUTHOR_TOKEN is unset.</summary>
    public string TokenPath => Path.Combine(DataDir, "author-token");

    public static BlogSettings Create(Config config, string currentDirectory)
    {
        var dataDir = HoconReader.Path(config, "actorblog.data-dir", currentDirectory);
        var baseUrl = HoconReader.String(config, "actorblog.blog.base-url");
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new SettingsException("actorblog.blog.base-url", $"'{baseUrl}' is not an absolute http(s) URL");

        var settings = new BlogSettings
        {
            DataDir = dataDir,
            DatabasePath = HoconReader.Path(config, "actorblog.database", dataDir),
            JournalPath = HoconReader.Path(config, "actorblog.journal", dataDir),
            Urls = ListenAddresses.Check("actorblog.http.urls", HoconReader.String(config, "actorblog.http.urls")),
            TrustedProxies = Configuration.TrustedProxies.Read(config, "actorblog.http.forwarded-headers"),
            Title = HoconReader.String(config, "actorblog.blog.title"),
            BaseUrl = uri,
            Description = HoconReader.String(config, "actorblog.blog.description", allowEmpty: true).Trim(),
            Author = HoconReader.String(config, "actorblog.blog.author", allowEmpty: true).Trim(),
            Language = LanguageTag(HoconReader.String(config, "actorblog.blog.language")),
            PageSize = HoconReader.Int(config, "actorblog.blog.page-size", 1, 100),
            WriteTimeout = HoconReader.Duration(config, "actorblog.store.write-timeout"),
            BusyTimeout = HoconReader.Duration(config, "actorblog.store.busy-timeout"),
        };
        if (string.Equals(settings.JournalPath, settings.DatabasePath, StringComparison.Ordinal))
            throw new SettingsException("actorblog.journal", "must not be the blog database");
        return settings;
    }

    /// <summary>The name the feeds and the footer give as the author.</summary>
    public string AuthorOrTitle => Author.Length > 0 ? Author : Title;

    /// <summary>Generated at build time: a Regex built at run time costs every command its parse and set-up.</summary>
    [GeneratedRegex("^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")]
    private static partial Regex LanguageTagPattern();

    private static string LanguageTag(string raw) =>
        LanguageTagPattern().IsMatch(raw)
            ? raw
            : throw new SettingsException("actorblog.blog.language", $"'{raw}' is not a language tag such as en or de-CH");
}
