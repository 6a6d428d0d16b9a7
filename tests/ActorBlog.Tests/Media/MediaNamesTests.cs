using ActorBlog.Media;

namespace ActorBlog.Tests.Media;

public sealed class MediaNamesTests
{
    [Theory]
    [InlineData("Holiday Photo!.svg", "png", "holiday-photo.png")]
    [InlineData("../../etc/passwd", "jpg", "passwd.jpg")]
    [InlineData("Café au lait.jpeg", "jpg", "cafe-au-lait.jpg")]
    [InlineData("\"quoted\"; filename=evil.html", "gif", "quoted-filename-evil.gif")]
    [InlineData("日本.png", "webp", "image.webp")]
    [InlineData(null, "png", "image.png")]
    [InlineData(".hidden", "png", "image.png")]
    public void A_safe_name_keeps_the_words_and_takes_the_extension_of_the_bytes(string? uploaded, string extension, string expected)
    {
        var kind = new[] { ImageKind.Png, ImageKind.Jpeg, ImageKind.Gif, ImageKind.WebP }.Single(k => k.Extension == extension);
        var safe = MediaNames.Safe(uploaded, kind);
        Assert.Equal(expected, safe);
        Assert.True(MediaNames.IsSafe(safe));
    }

    [Fact]
    public void Long_names_are_cut_and_still_safe()
    {
        var safe = MediaNames.Safe(new string('a', 500) + ".png", ImageKind.Png);
        Assert.Equal(64, safe.Length);
        Assert.True(MediaNames.IsSafe(safe));
    }

    [Theory]
    [InlineData("x.png.html")]
    [InlineData("UPPER.png")]
    [InlineData(".png")]
    [InlineData("a/b.png")]
    [InlineData("a%2fb.png")]
    public void Names_the_writer_never_makes_are_not_safe(string name) => Assert.False(MediaNames.IsSafe(name));
}

public sealed class ImageKindTests
{
    public static TheoryData<byte[], string?> Heads => new()
    {
        { [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], "image/png" },
        { [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46, 0, 1], "image/jpeg" },
        { "GIF89a\x01\x00\x01\x00\x80\x00"u8.ToArray(), "image/gif" },
        { "GIF87a\x01\x00\x01\x00\x80\x00"u8.ToArray(), "image/gif" },
        { "RIFF\x10\x00\x00\x00WEBP"u8.ToArray(), "image/webp" },
        { "RIFF\x10\x00\x00\x00WAVE"u8.ToArray(), null },
        { "<svg xmlns="u8.ToArray(), null },
        { "<?xml versi"u8.ToArray(), null },
        { [0xC2, 0x89, 0x50, 0x4E, 0x47], null },
        { [0x89, 0x50, 0x4E], null },
        { [], null },
    };

    [Theory]
    [MemberData(nameof(Heads))]
    public void The_type_comes_from_the_first_bytes_alone(byte[] head, string? expected) =>
        Assert.Equal(expected, ImageKind.Identify(head)?.ContentType);
}
