using System.Runtime.InteropServices;

namespace ActorBlog.Backup;

/// <summary>fsync for a directory, so a rename in it survives a power cut; .NET has no API for it.</summary>
internal static class Durability
{
    /// <summary>Flushes the directory or throws: for a restore, where the rename is the whole point.</summary>
    public static void FsyncDirectory(string directory)
    {
        if (!TryFsyncDirectory(directory, out var error)) throw new IOException(error);
    }

    /// <summary>Flushes the directory if it can; says why not otherwise. Windows journals renames itself.</summary>
    public static bool TryFsyncDirectory(string directory, out string? error)
    {
        error = null;
        if (OperatingSystem.IsWindows()) return true; // NTFS renames are journaled; there is no directory handle to flush
        try
        {
            var fd = Open(directory, 0 /* O_RDONLY */);
            if (fd < 0)
            {
                error = $"cannot open directory {directory} to fsync it (errno {Marshal.GetLastPInvokeError()})";
                return false;
            }
            try
            {
                if (Fsync(fd) == 0) return true;
                error = $"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()})";
                return false;
            }
            finally
            {
                _ = Close(fd);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            error = $"no libc to fsync directory {directory}";
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
