using System.Runtime.InteropServices;

namespace ActorBlog.Backup.Restore;

/// <summary>fsync for a directory, so a rename in it survives a power cut; .NET has no API for it.</summary>
internal static class Durability
{
    public static void FsyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return; // NTFS renames are journaled; there is no directory handle to flush
        var fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0) throw new IOException($"cannot open directory {directory} to fsync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
