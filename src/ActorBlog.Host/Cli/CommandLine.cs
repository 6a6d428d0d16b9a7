using System.CommandLine;

namespace ActorBlog.Host.Cli;

/// <summary>The program's commands. Exit codes: 0 success, 1 failure, 2 usage error.</summary>
public static class CommandLine
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    /// <summary>Every command takes --config; ACTORBLOG_CONFIG is its default.</summary>
    public static readonly Option<string?> ConfigOption = new("--config")
    {
        Description = "An operator's HOCON file layered over the shipped defaults (env ACTORBLOG_CONFIG)",
        Recursive = true,
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("ActorBlog: a blog whose database cannot be lost");
        root.Options.Add(ConfigOption);
        ServeCommand.AddTo(root);
        BackupCommand.AddTo(root);
        BackupsCommand.AddTo(root);
        RestoreCommand.AddTo(root);
        VerifyCommand.AddTo(root);

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine($"actorblog: {error.Message}");
            Console.Error.WriteLine("Try 'actorblog --help'.");
            return UsageError;
        }
        return await parsed.InvokeAsync();
    }

    public static string? ConfigFile(ParseResult parsed) =>
        parsed.GetValue(ConfigOption) ?? NullIfEmpty(Environment.GetEnvironmentVariable("ACTORBLOG_CONFIG"));

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    /// <summary>Writes one line for a failure, the way every command reports it.</summary>
    public static int Fail(string message)
    {
        Console.Error.WriteLine($"actorblog: {message}");
        return Failure;
    }
}
