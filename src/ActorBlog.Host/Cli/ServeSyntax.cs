using System.CommandLine;

namespace ActorBlog.Host.Cli;

/// <summary>
/// What <c>serve [--urls URL]</c> accepts and how its help reads, apart from what it does: the server runs
/// the blog (<see cref="ServeCommand"/> in ActorBlog.Host), the native CLI hands the command to the server
/// program (<c>ServeCommand</c> in ActorBlog.Cli). Serving is also what no command means.
/// </summary>
public static class ServeSyntax
{
    public static void AddTo(Command root, Func<ParseResult, string?, CancellationToken, Task<int>> serve)
    {
        var rootUrls = UrlsOption();
        root.Options.Add(rootUrls);
        root.SetAction((parsed, ct) => serve(parsed, parsed.GetValue(rootUrls), ct));

        var command = new Command("serve", "Serve the blog (the default)");
        var urls = UrlsOption();
        command.Options.Add(urls);
        command.SetAction((parsed, ct) => serve(parsed, parsed.GetValue(urls), ct));
        root.Subcommands.Add(command);
    }

    private static Option<string?> UrlsOption() => new("--urls")
    {
        Description = "Where to listen, e.g. http://127.0.0.1:5080 (overrides actorblog.http.urls)",
    };
}
