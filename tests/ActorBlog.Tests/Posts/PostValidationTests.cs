using ActorBlog.Posts;

namespace ActorBlog.Tests.Posts;

public sealed class PostValidationTests
{
    private static PostInput Valid => new("Title", "a-slug", "body", ["tag-1"], "draft");

    [Fact]
    public void A_valid_input_has_no_errors() => Assert.Empty(PostValidation.Validate(Valid));

    [Theory]
    [InlineData(null, "title")]
    [InlineData("", "title")]
    [InlineData("   ", "title")]
    [InlineData("bell\u0007", "title")]
    public void Bad_titles_are_named(string? title, string field) =>
        Assert.Contains(field, PostValidation.Validate(Valid with { Title = title }).Keys);

    [Fact]
    public void A_title_of_200_characters_is_fine_and_201_is_not()
    {
        Assert.Empty(PostValidation.Validate(Valid with { Title = new string('x', 200) }));
        Assert.Contains("title", PostValidation.Validate(Valid with { Title = new string('x', 201) }).Keys);
    }

    [Theory]
    [InlineData("UPPER")]
    [InlineData("-lead")]
    [InlineData("trail-")]
    [InlineData("double--dash")]
    [InlineData("../etc/passwd")]
    [InlineData("")]
    [InlineData("sp ace")]
    public void Bad_slugs_are_rejected(string slug) =>
        Assert.Contains("slug", PostValidation.Validate(Valid with { Slug = slug }).Keys);

    [Fact]
    public void Slug_length_limit_is_100() =>
        Assert.Contains("slug", PostValidation.Validate(Valid with { Slug = new string('a', 101) }).Keys);

    [Fact]
    public void Markdown_is_limited_to_512_KiB_of_utf8()
    {
        Assert.Empty(PostValidation.Validate(Valid with { Markdown = new string('a', 512 * 1024) }));
        Assert.Contains("markdown", PostValidation.Validate(Valid with { Markdown = new string('é', 512 * 1024 / 2 + 1) }).Keys);
        Assert.Contains("markdown", PostValidation.Validate(Valid with { Markdown = null }).Keys);
        Assert.Contains("markdown", PostValidation.Validate(Valid with { Markdown = "nul\0" }).Keys);
    }

    [Fact]
    public void Tags_are_limited_in_number_and_shape()
    {
        Assert.Contains("tags", PostValidation.Validate(Valid with { Tags = Enumerable.Range(0, 21).Select(i => $"t{i}").ToList() }).Keys);
        Assert.Contains("tags", PostValidation.Validate(Valid with { Tags = ["Bad Tag"] }).Keys);
        Assert.Contains("tags", PostValidation.Validate(Valid with { Tags = [new string('a', 41)] }).Keys);
        Assert.Contains("tags", PostValidation.Validate(Valid with { Tags = [null!] }).Keys);
        Assert.Empty(PostValidation.Validate(Valid with { Tags = Enumerable.Range(0, 20).Select(i => $"t{i}").ToList() }));
    }

    [Theory]
    [InlineData("Draft")]
    [InlineData("deleted")]
    [InlineData("")]
    public void Unknown_statuses_are_rejected(string status) =>
        Assert.Contains("status", PostValidation.Validate(Valid with { Status = status }).Keys);

    [Theory]
    [InlineData("Hello, World!", "hello-world")]
    [InlineData("Héllo wörld", "hello-world")]
    [InlineData("  --  ", "post")]
    [InlineData("C# & .NET 10", "c-net-10")]
    public void Slugs_derive_from_titles(string title, string slug)
    {
        Assert.Equal(slug, Slugs.FromTitle(title));
        Assert.True(PostValidation.IsValidSlug(Slugs.FromTitle(title)));
    }

    [Fact]
    public void Derived_slugs_stay_within_the_limit_even_with_a_suffix()
    {
        var slug = Slugs.FromTitle(string.Join(' ', Enumerable.Repeat("word", 60)));
        Assert.True(PostValidation.IsValidSlug(slug));
        Assert.True(PostValidation.IsValidSlug(Slugs.WithSuffix(slug, 12)));
    }
}
