using ActorBlog.Search;

namespace ActorBlog.Tests.Search;

public sealed class SearchQueryTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\"(")]
    [InlineData("*:^-+()\"\"")]
    public void Input_without_a_word_is_no_query(string? input) => Assert.Null(SearchQuery.ToFts(input));

    [Theory]
    [InlineData("backup", "\"backup\"*")]
    [InlineData("restore backup", "\"restore\" \"backup\"*")]
    [InlineData("AND OR NOT", "\"AND\" \"OR\" \"NOT\"*")]
    [InlineData("title:secret", "\"title\" \"secret\"*")]
    [InlineData("NEAR(a b)", "\"NEAR\" \"a\" \"b\"*")]
    [InlineData("\"point in time\" restore", "\"point in time\" \"restore\"*")]
    [InlineData("restore \"point in time\"", "\"restore\" \"point in time\"")]
    [InlineData("\"unterminated phrase", "\"unterminated\" \"phrase\"*")]
    [InlineData("Crème brûlée", "\"Crème\" \"brûlée\"*")]
    [InlineData("x\"y", "\"x\" \"y\"*")]
    public void Words_are_quoted_so_no_operator_or_quote_is_ever_syntax(string input, string expected) =>
        Assert.Equal(expected, SearchQuery.ToFts(input));

    [Fact]
    public void Long_input_is_bounded_in_terms_and_term_length()
    {
        var query = SearchQuery.ToFts(string.Join(' ', Enumerable.Range(0, 50).Select(i => $"w{i}")) + " " + new string('a', 500))!;
        Assert.Equal(SearchQuery.MaxTerms, query.Split(' ').Length);
        Assert.DoesNotContain(new string('a', SearchQuery.MaxTermLength + 1), SearchQuery.ToFts(new string('a', 500)));
    }
}
