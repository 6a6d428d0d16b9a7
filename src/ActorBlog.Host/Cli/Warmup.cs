using System.Globalization;
using System.Security.Cryptography;
using System.Xml;
using ActorBlog.Backup.Format;

namespace ActorBlog.Host.Cli;

/// <summary>
/// Runs on the second core the first-use set-up that an operator command is about to meet on its one
/// critical path, while the first core parses the configuration and builds the client: the AWS SDK's
/// static configuration, the XML reader and Date-header parse (culture data) of the first response,
/// SigV4's hashing, the manifest's JSON contract. It reads no file, setting or secret and sends nothing;
/// it only runs, a little earlier, code the command runs anyway, so no answer changes.
/// </summary>
internal static class Warmup
{
    private static readonly BackupManifest Sample = new(BackupManifest.CurrentFormatVersion, "warm-up", DateTimeOffset.UnixEpoch,
        1, 0, 0, 0, "00", "zstd", false, "warm-up");

    public static void Start() => new Thread(Run) { IsBackground = true, Name = "warm-up" }.Start();

    private static void Run()
    {
        try
        {
            _ = new Amazon.S3.AmazonS3Config();
            DateTime.TryParseExact("Tue, 01 Dec 2026 00:00:00 GMT", "ddd, dd MMM yyyy HH:mm:ss \\G\\M\\T", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out _);
            HMACSHA256.HashData(new byte[32], new byte[32]);
            SHA256.HashData(ReadOnlySpan<byte>.Empty);
            using (var xml = XmlReader.Create(new StringReader("<ListBucketResult><Name>b</Name></ListBucketResult>")))
                while (xml.Read()) { }
            BackupManifest.Parse(BackupManifest.Serialize(Sample));
        }
        catch (Exception)
        {
            // Warming only: the command itself meets, and reports, any real failure.
        }
    }
}
