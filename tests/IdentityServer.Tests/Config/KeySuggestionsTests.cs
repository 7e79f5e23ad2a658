using IdentityServer.Config;

namespace IdentityServer.Tests.Config;

public class KeySuggestionsTests
{
    [Theory]
    [InlineData("prot", "port", 1)]
    [InlineData("port", "port", 0)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("base_ulr", "base_url", 1)]
    [InlineData("", "abc", 3)]
    public void Distance_counts_edits_and_swaps(string a, string b, int expected)
    {
        Assert.Equal(expected, KeySuggestions.Distance(a, b));
    }

    [Theory]
    [InlineData("levl", "level")]
    [InlineData("Level", "level")]
    [InlineData("leak-sensitive-values", "leak_sensitive_values")]
    [InlineData("formt", "format")]
    public void Closest_finds_the_intended_key(string typed, string expected)
    {
        Assert.Equal(expected, KeySuggestions.Closest(typed, ["level", "format", "leak_sensitive_values", "redaction_text"]));
    }

    [Theory]
    [InlineData("colour")]
    [InlineData("x")]
    public void Closest_stays_quiet_when_nothing_is_near(string typed)
    {
        Assert.Null(KeySuggestions.Closest(typed, ["level", "format", "leak_sensitive_values"]));
    }
}
