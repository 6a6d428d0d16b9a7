using System.CommandLine;
using System.CommandLine.Help;

namespace ActorBlog.Host.Cli;

/// <summary>The program's commands. Exit codes: 0 success, 1 failure, 2 usage error.</summary>
public static class CommandLine
{
    /// <summary>The program's name in help and messages: the published apphost is named so (see the .csproj).</summary>
    public const string ProgramName = "actorblog";

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
        // Not RootCommand: it names itself after the entry assembly (ActorBlog.Host), not the program.
        var root = new Command(ProgramName, "ActorBlog: a blog whose database cannot be lost");
        root.Options.Add(new HelpOption());
        root.Options.Add(new VersionOption());
        root.Options.Add(ConfigOption);
        ServeCommand.AddTo(root);
        BackupCommand.AddTo(root);
        BackupsCommand.AddTo(root);
        RestoreCommand.AddTo(root);
        VerifyCommand.AddTo(root);

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine($"{ProgramName}: {error.Message}");
            Console.Error.WriteLine($"Try '{ProgramName} --help'.");
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
        Console.Error.WriteLine($"{ProgramName}: {message}");
        return Failure;
    }
}
