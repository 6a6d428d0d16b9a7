using ActorBlog.Backup.Targets;

namespace ActorBlog.Tests.Backup.Targets;

public sealed class S3TargetOptionsTests
{
    private static readonly S3TargetOptions Options = new("https://ams3.digitaloceanspaces.com", "ams3", "blog-backups", "prod/",
        ForcePathStyle: false, AccessKey: "DO00ACCESSKEYVALUE", SecretKey: "super-secret-value-123");

    [Fact]
    public void Log_text_never_carries_credentials()
    {
        using var target = new S3BackupTarget(Options);

        foreach (var text in new[] { target.Describe(), Options.ToString() })
        {
            Assert.DoesNotContain("super-secret-value-123", text);
            Assert.DoesNotContain("DO00ACCESSKEYVALUE", text);
        }
        Assert.Equal("s3://blog-backups/prod (https://ams3.digitaloceanspaces.com, ams3)", target.Describe());
    }
}
