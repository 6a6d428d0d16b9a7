using System.CommandLine;
using System.Runtime.InteropServices;

namespace ActorBlog.Host.Cli;

/// <summary>
/// <c>serve</c> in the native CLI: the same syntax (<see cref="ServeSyntax"/>), and the process becomes the
/// server program published beside this one (<c>execv</c>): the same process id, arguments, environment and
/// standard streams, so a service manager's signals and a container's stop reach the server itself.
/// </summary>
public static class ServeCommand
{
    private const string ServerProgram = "ActorBlog.Host";

    public static void AddTo(Command root) => ServeSyntax.AddTo(root, (_, _, _) => Task.FromResult(HandOff(Environment.GetCommandLineArgs()[1..])));

    private static int HandOff(string[] args)
    {
        var server = Path.Combine(AppContext.BaseDirectory, ServerProgram);
        if (!File.Exists(server))
            return CommandLine.Fail($"cannot serve: the server program {server} is missing beside this one");
        var argv = new IntPtr[args.Length + 2];
        argv[0] = Marshal.StringToCoTaskMemUTF8(server);
        for (var i = 0; i < args.Length; i++) argv[i + 1] = Marshal.StringToCoTaskMemUTF8(args[i]);
        Console.Out.Flush();
        Console.Error.Flush();
        execv(server, argv); // returns only when it failed
        return CommandLine.Fail($"cannot serve: starting {server} failed ({Marshal.GetLastPInvokeErrorMessage()})");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int execv([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr[] argv);
}
