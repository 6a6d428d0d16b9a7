using System.Security.Cryptography;
using ActorBlog.Backup.Targets;

namespace ActorBlog.Tests.Backup.Targets;

public sealed class UploadChecksumTests
{
    private static readonly byte[] PartA = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
    private static readonly byte[] PartB = Enumerable.Range(0, 333).Select(i => (byte)(i * 7)).ToArray();

    private static UploadChecksum Of(params byte[][] parts)
    {
        var checksum = new UploadChecksum();
        foreach (var part in parts) checksum.AddPart(part);
        return checksum;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static string WholeMd5 => Hex(MD5.HashData([.. PartA, .. PartB]));

    private static string Composite => Hex(MD5.HashData([.. MD5.HashData(PartA), .. MD5.HashData(PartB)])) + "-2";

    [Fact]
    public void A_multipart_answer_confirms_when_it_is_the_md5_of_the_whole_object_or_of_the_part_md5s()
    {
        using var checksum = Of(PartA, PartB);

        Assert.True(checksum.Confirms($"\"{WholeMd5}\""));   // s3rver
        Assert.True(checksum.Confirms($"\"{Composite}\""));  // S3, Spaces, MinIO
        Assert.True(checksum.Confirms(Composite.ToUpperInvariant())); // unquoted, upper case
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("\"00000000000000000000000000000000\"")] // SSE-KMS: not an MD5 of the bytes
    public void Anything_else_confirms_nothing(string? etag)
    {
        using var checksum = Of(PartA, PartB);

        Assert.False(checksum.Confirms(etag));
    }

    [Fact]
    public void The_part_count_and_the_part_order_are_part_of_the_answer()
    {
        using var checksum = Of(PartA, PartB);
        var digestOfDigests = Composite[..^2];

        Assert.False(checksum.Confirms(digestOfDigests));
        Assert.False(checksum.Confirms(digestOfDigests + "-3"));
        using var swapped = Of(PartB, PartA);
        Assert.False(swapped.Confirms(Composite));
        Assert.False(swapped.Confirms(WholeMd5));
    }

    [Fact]
    public void A_single_put_is_confirmed_by_the_md5_of_its_body_only()
    {
        byte[] body = [.. PartA, .. PartB];

        Assert.True(UploadChecksum.ConfirmsSingle($"\"{WholeMd5}\"", MD5.HashData(body)));
        Assert.False(UploadChecksum.ConfirmsSingle($"\"{Hex(MD5.HashData(MD5.HashData(body)))}-1\"", MD5.HashData(body)));
        Assert.False(UploadChecksum.ConfirmsSingle(null, MD5.HashData(body)));
        body[500] ^= 1;
        Assert.False(UploadChecksum.ConfirmsSingle($"\"{WholeMd5}\"", MD5.HashData(body)));
    }
}
