using System.Diagnostics;

namespace ActorBlog.Host.Tests.Infrastructure;

/// <summary>
/// The tests of the published program run alone, after the others: publishing compiles for minutes on every
/// core, which would crowd the deadlines of tests running beside it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PublishedProgramCollection : ICollectionFixture<PublishedProgram>
{
    public const string Name = "published program";
}

/// <summary>ActorBlog.Host published once, exactly as deploy/ installs it, so tests can run the `actorblog` that publishing makes: the native CLI.</summary>
public sealed class PublishedProgram : IDisposable
{
    public PublishedProgram()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("actorblog-published-").FullName;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "publish", Path.Combine(ExternalTools.RepositoryRoot(), "src", "ActorBlog.Host"), "-c", "Release",
                     "-o", Directory, "-nologo", "-v", "q", "-nodeReuse:false", "-p:UseSharedCompilation=false" })
            info.ArgumentList.Add(arg);
        using var publish = Process.Start(info)!;
        var stdout = publish.StandardOutput.ReadToEndAsync();
        var stderr = publish.StandardError.ReadToEndAsync();
        if (!publish.WaitForExit(TimeSpan.FromMinutes(20)))
        {
            publish.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet publish took over 20 minutes");
        }
        if (publish.ExitCode != 0)
            throw new InvalidOperationException($"dotnet publish failed ({publish.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
    }

    public string Directory { get; }

    /// <summary>What an operator runs.</summary>
    public string Actorblog => Path.Combine(Directory, "actorblog");

    /// <summary>The server program `serve` is handed to.</summary>
    public string Server => Path.Combine(Directory, "ActorBlog.Host");

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
