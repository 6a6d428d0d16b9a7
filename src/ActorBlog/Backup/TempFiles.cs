namespace ActorBlog.Backup;

/// <summary>
/// Staging files for backups and restores: readable by the owner only, since they hold the
/// whole blog, and swept at start-up, since a crash can leave one behind.
/// </summary>
public static class TempFiles
{
    public const string Extension = ".actorblog-tmp";

    public static string PathFor(string directory, string name) => Path.Combine(directory, name + Extension);

    /// <summary>Creates the staging directory with mode 700, so nothing staged in it is readable by others.</summary>
    public static string EnsurePrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return directory;
    }

    /// <summary>Creates (or empties) a file with mode 600.</summary>
    public static void CreatePrivate(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var _ = new FileStream(path, options);
    }

    /// <summary>Removes what an earlier run left behind; returns how many files went.</summary>
    public static int Sweep(string directory)
    {
        if (!Directory.Exists(directory)) return 0;
        var removed = 0;
        // SQLite adds its own suffixes (-journal, -wal) to a staged database: those go too.
        foreach (var file in Directory.EnumerateFiles(directory, "*" + Extension + "*"))
        {
            File.Delete(file);
            removed++;
        }
        return removed;
    }

    public static void DeleteQuietly(params string?[] paths)
    {
        foreach (var path in paths)
        {
            if (path is null) continue;
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
