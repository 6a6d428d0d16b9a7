using System.Security.Cryptography;
using System.Text;

namespace ActorBlog.Host.Web;

/// <summary>
/// The author's bearer token: ACTORBLOG_AUTHOR_TOKEN, or one made at first start and kept in
/// data/author-token (mode 600). Checked in constant time: both sides are hashed first, so
/// neither the content nor the length of the token leaks through timing.
/// </summary>
public sealed class AuthorToken
{
    /// <summary>
    /// The shortest token an operator may choose. The throttle holds back one address, not the world,
    /// so it is the token's length that makes guessing hopeless; a generated token has 43 characters.
    /// </summary>
    public const int MinLength = 32;

    private readonly byte[] _hash;

    /// <summary>Refuses an operator's token too short to be safe, before anything is created. The message never shows it.</summary>
    public static void CheckStrength(string? fromEnvironment)
    {
        if (fromEnvironment is { } token && token.Trim().Length < MinLength)
            throw new ActorBlog.Configuration.SettingsException("ACTORBLOG_AUTHOR_TOKEN",
                $"is {token.Trim().Length} characters long; use at least {MinLength} random ones (e.g. from 'openssl rand -base64 32'), or unset it to have one generated");
    }

    private AuthorToken(string token) => _hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public bool Matches(string candidate) =>
        CryptographicOperations.FixedTimeEquals(_hash, SHA256.HashData(Encoding.UTF8.GetBytes(candidate)));

    public static AuthorToken Resolve(string? fromEnvironment, string tokenPath, Serilog.ILogger log)
    {
        if (fromEnvironment is not null) return new AuthorToken(fromEnvironment);

        if (File.Exists(tokenPath))
        {
            var stored = File.ReadAllText(tokenPath).Trim();
            if (stored.Length > 0)
            {
                log.Information("Author token read from {TokenPath}", tokenPath);
                return new AuthorToken(stored);
            }
        }

        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Directory.CreateDirectory(Path.GetDirectoryName(tokenPath)!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new StreamWriter(tokenPath, new UTF8Encoding(false), options)) file.WriteLine(token);
        log.Warning("No ACTORBLOG_AUTHOR_TOKEN set: generated an author token ({TokenStart}…) and stored it in {TokenPath} (mode 600)",
            token[..4], tokenPath);
        return new AuthorToken(token);
    }
}
