using System.Globalization;

namespace ActorBlog.Configuration;

/// <summary>
/// Sizes as HOCON writes them: <c>10MiB</c>, <c>500kB</c>, <c>65536</c>. The units and the reading are
/// those of Akka's <c>Config.GetByteSize</c> (the HOCON spec's), done here because Akka's HoconValue
/// compiles two regexes (RegexOptions.Compiled, emitted code) the first time it reads a size: ~15 ms
/// of every command's start-up.
/// </summary>
public static class ByteSizes
{
    private static readonly (long Factor, string[] Suffixes)[] Units =
    [
        (1L << 60, ["E", "e", "Ei", "EiB", "exbibyte", "exbibytes"]),
        (1_000_000_000_000_000_000, ["EB", "exabyte", "exabytes"]),
        (1L << 50, ["P", "p", "Pi", "PiB", "pebibyte", "pebibytes"]),
        (1_000_000_000_000_000, ["PB", "petabyte", "petabytes"]),
        (1L << 40, ["T", "t", "Ti", "TiB", "tebibyte", "tebibytes"]),
        (1_000_000_000_000, ["TB", "terabyte", "terabytes"]),
        (1L << 30, ["G", "g", "Gi", "GiB", "gibibyte", "gibibytes"]),
        (1_000_000_000, ["GB", "gigabyte", "gigabytes"]),
        (1L << 20, ["M", "m", "Mi", "MiB", "mebibyte", "mebibytes"]),
        (1_000_000, ["MB", "megabyte", "megabytes"]),
        (1L << 10, ["K", "k", "Ki", "KiB", "kibibyte", "kibibytes"]),
        (1_000, ["kB", "kilobyte", "kilobytes"]),
        (1, ["b", "B", "byte", "bytes"]),
    ];

    /// <summary>A number of bytes, with or without a unit after the digits (case matters: MB is 10^6, M and MiB 2^20).</summary>
    /// <exception cref="FormatException">Not a number, or an unknown unit.</exception>
    /// <exception cref="OverflowException">More than a long holds.</exception>
    public static long Parse(string raw)
    {
        var text = raw.Trim();
        var lastDigit = text.AsSpan().LastIndexOfAnyInRange('0', '9');
        if (lastDigit == -1 || lastDigit + 1 >= text.Length) return Number(text);
        var suffix = text[(lastDigit + 1)..].Trim();
        foreach (var (factor, suffixes) in Units)
            if (Array.IndexOf(suffixes, suffix) >= 0) return checked(factor * Number(text[..(lastDigit + 1)]));
        throw new FormatException($"{suffix} is not a valid byte size suffix");
    }

    private static long Number(string digits) => long.Parse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
