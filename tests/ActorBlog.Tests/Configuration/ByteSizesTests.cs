using ActorBlog.Configuration;
using Akka.Configuration;

namespace ActorBlog.Tests.Configuration;

public sealed class ByteSizesTests
{
    [Theory]
    [InlineData("65536", 65536)]
    [InlineData("2MiB", 2L * 1024 * 1024)]
    [InlineData("2 MiB", 2L * 1024 * 1024)]
    [InlineData("2M", 2L * 1024 * 1024)]
    [InlineData("2MB", 2_000_000)]
    [InlineData("500kB", 500_000)]
    [InlineData("500k", 500 * 1024)]
    [InlineData("1 gibibyte", 1L << 30)]
    [InlineData("3 bytes", 3)]
    [InlineData(" 7B ", 7)]
    [InlineData("1EiB", 1L << 60)]
    public void Reads_a_number_with_its_unit(string text, long expected) => Assert.Equal(expected, ByteSizes.Parse(text));

    [Theory]
    [InlineData("lots")]
    [InlineData("10 MiBs")]
    [InlineData("10mb")]
    [InlineData("1.5MiB")]
    [InlineData("MiB")]
    public void Refuses_what_is_not_a_size(string text) => Assert.Throws<FormatException>(() => ByteSizes.Parse(text));

    [Fact]
    public void Refuses_more_than_a_long_holds_instead_of_wrapping() =>
        Assert.Throws<OverflowException>(() => ByteSizes.Parse("9000000 TiB"));

    /// <summary>Sizes mean what they meant when Akka read them (Config.GetByteSize): same units, same refusals.</summary>
    [Theory]
    [InlineData("65536")]
    [InlineData("10MiB")]
    [InlineData("10 MiB")]
    [InlineData("10M")]
    [InlineData("10m")]
    [InlineData("10MB")]
    [InlineData("10 megabytes")]
    [InlineData("500kB")]
    [InlineData("500K")]
    [InlineData("500 kibibytes")]
    [InlineData("2G")]
    [InlineData("2GB")]
    [InlineData("1 TiB")]
    [InlineData("1 PB")]
    [InlineData("4 byte")]
    [InlineData("4 b")]
    [InlineData("lots")]
    [InlineData("10mb")]
    [InlineData("10 MiBs")]
    [InlineData("1.5MiB")]
    public void Agrees_with_akka(string text)
    {
        long? akka;
        try
        {
            akka = ConfigurationFactory.ParseString($"size = \"{text}\"").GetByteSize("size");
        }
        catch (FormatException)
        {
            akka = null;
        }
        long? ours;
        try
        {
            ours = ByteSizes.Parse(text);
        }
        catch (FormatException)
        {
            ours = null;
        }
        Assert.Equal(akka, ours);
    }
}
