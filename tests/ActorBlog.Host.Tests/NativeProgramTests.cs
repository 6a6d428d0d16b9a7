using System.Net;
using ActorBlog.Host.Tests.Infrastructure;
using ActorBlog.Tests.Infrastructure;

namespace ActorBlog.Host.Tests;

/// <summary>
/// The published `actorblog` is the native CLI (src/ActorBlog.Cli): the operator commands compiled ahead of
/// time from the host's own sources. Here it answers every command as the built host does, byte for byte,
/// and hands `serve` to the server program in the same process.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Collection(PublishedProgramCollection.Name)]
public sealed class NativeProgramTests(PublishedProgram published, S3rverFixture s3) : IClassFixture<S3rverFixture>, IDisposable
{
    private static readonly Dictionary<string, string> NoEnvironment = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("actorblog-native-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Task<(int ExitCode, string Stdout, string Stderr)> Native(params string[] args) => Native(NoEnvironment, args);

    private Task<(int ExitCode, string Stdout, string Stderr)> Native(Dictionary<string, string> env, params string[] args) =>
        ProgramProcess.RunAsync(published.Actorblog, _dir, env, args);

    private Task<(int ExitCode, string Stdout, string Stderr)> Built(params string[] args) => Built(NoEnvironment, args);

    private Task<(int ExitCode, string Stdout, string Stderr)> Built(Dictionary<string, string> env, params string[] args) =>
        ProgramProcess.RunAsync(_dir, env, args);

    [Fact]
    public void Publishing_names_the_native_program_actorblog_not_a_copy_of_the_runtime_host()
    {
        var program = File.ReadAllBytes(published.Actorblog);

        // An apphost finds and starts the .NET runtime (libhostfxr); a native program carries its own.
        Assert.True(program.AsSpan().IndexOf("libhostfxr"u8) < 0, "the published actorblog is an apphost, not the native CLI");
        Assert.True(File.Exists(published.Server));
    }

    [Fact]
    public Task Every_operator_command_answers_as_the_built_host_does_on_a_folder_target() =>
        EveryCommandAnswersAsTheBuiltHost(NoEnvironment);

    /// <summary>The path the native program exists for: the AWS SDK and HTTP, here with an encrypted backup.</summary>
    [Fact]
    public Task Every_operator_command_answers_as_the_built_host_does_on_s3()
    {
        File.WriteAllText(Path.Combine(_dir, "s3.conf"), Drill.S3TargetConfig(s3, "native-" + Guid.NewGuid().ToString("N")));
        return EveryCommandAnswersAsTheBuiltHost(new Dictionary<string, string>
        {
            ["ACTORBLOG_CONFIG"] = "s3.conf", ["SPACES_KEY"] = S3rverFixture.AccessKey, ["SPACES_SECRET"] = S3rverFixture.SecretKey,
            ["ACTORBLOG_BACKUP_KEY"] = Convert.ToBase64String(Enumerable.Range(3, 32).Select(i => (byte)i).ToArray()),
        });
    }

    private async Task EveryCommandAnswersAsTheBuiltHost(Dictionary<string, string> env)
    {
        Files.SeedIncompressibleBlog(Path.Combine(_dir, "data", "blog.db"), megabytes: 2);

        var backup = await Native(env, "backup");
        Assert.True(backup.ExitCode == 0, backup.Stderr);
        Assert.Contains(" verified: ", backup.Stdout);

        foreach (var args in new[] { new[] { "backups", "--json" }, ["backups"], ["verify"], ["--version"], ["--help"], ["restore", "--help"] })
        {
            var native = await Native(env, args);
            var built = await Built(env, args);
            Assert.Equal((built.ExitCode, built.Stdout, built.Stderr), (native.ExitCode, native.Stdout, native.Stderr));
        }

        var restoredByNative = await Native(env, "restore", "--output", "native.db");
        var restoredByBuilt = await Built(env, "restore", "--output", "built.db");
        Assert.Equal((0, 0), (restoredByNative.ExitCode, restoredByBuilt.ExitCode));
        Assert.Contains("integrity ok", restoredByNative.Stdout);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "built.db")), File.ReadAllBytes(Path.Combine(_dir, "native.db")));
    }

    [Fact]
    public async Task Bad_input_gets_the_same_one_line_answer_and_exit_code()
    {
        var cases = new (Dictionary<string, string> Env, string[] Args)[]
        {
            (NoEnvironment, ["bogus"]),
            (NoEnvironment, ["restore", "--id", "x", "--at", "1h ago"]),
            (new() { ["ACTORBLOG_BACKUP_TARGET"] = "tape" }, ["backups"]),
            (NoEnvironment, ["restore", "--id", "20261201T000000000Z-000000", "--output", "x.db"]),
        };
        foreach (var (env, args) in cases)
        {
            var native = await Native(env, args);
            var built = await Built(env, args);
            Assert.NotEqual(0, native.ExitCode);
            Assert.Equal((built.ExitCode, built.Stdout, built.Stderr), (native.ExitCode, native.Stdout, native.Stderr));
        }
        Assert.False(File.Exists(Path.Combine(_dir, "x.db")));
    }

    [Theory]
    [InlineData("serve", "--urls", "http://127.0.0.1:0", "--config", "title.conf")]
    [InlineData("--urls", "http://127.0.0.1:0", "--config", "title.conf")] // no command means serve
    public async Task Serve_is_handed_to_the_server_program_in_the_same_process(params string[] args)
    {
        File.WriteAllText(Path.Combine(_dir, "title.conf"), "actorblog.blog.title = \"Handed over\"\n");
        await using var program = ProgramProcess.Start(published.Actorblog, _dir, NoEnvironment, args);
        using var client = new HttpClient { BaseAddress = await program.Listening.WaitAsync(TimeSpan.FromMinutes(2)) };

        var health = await client.GetAsync("/healthz");
        var home = await client.GetStringAsync("/");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("Handed over", home); // the operator's file reached the server
        // The process started as actorblog now runs the server program itself, so signals reach the server.
        Assert.Equal(published.Server, new FileInfo($"/proc/{program.Id}/exe").LinkTarget);
        Assert.Equal(0, await program.StopAsync());
    }
}
