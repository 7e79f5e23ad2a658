using IdentityServer.Identities.Schemas;

namespace IdentityServer.Tests.Schemas;

public class TraitFormatsTests
{
    [Theory]
    [InlineData("foo@example.com")]
    [InlineData("Foo.Bar+tag@Example.COM")]
    [InlineData("user@localhost")]
    [InlineData("o'hara@example.org")]
    [InlineData("\"quoted local\"@example.com")]
    [InlineData("jörg@example.com")]
    [InlineData("a@sub-domain.example.co.uk")]
    public void Accepts_valid_emails(string email) => Assert.True(TraitFormats.IsEmail(email), email);

    [Theory]
    [InlineData("")]
    [InlineData("plainaddress")]
    [InlineData("@example.com")]
    [InlineData("foo@")]
    [InlineData("foo@bar@example.com")]
    [InlineData("foo..bar@example.com")]
    [InlineData(".foo@example.com")]
    [InlineData("foo.@example.com")]
    [InlineData("foo@-example.com")]
    [InlineData("foo@example-.com")]
    [InlineData("foo@exa mple.com")]
    [InlineData("foo@example.com ")]
    [InlineData("foo bar@example.com")]
    [InlineData("foo@ex_ample.com")]
    public void Rejects_invalid_emails(string email) => Assert.False(TraitFormats.IsEmail(email), email);

    [Fact]
    public void Rejects_overlong_email_parts()
    {
        Assert.False(TraitFormats.IsEmail(new string('a', 65) + "@example.com"));
        Assert.True(TraitFormats.IsEmail(new string('a', 64) + "@example.com"));
        Assert.False(TraitFormats.IsEmail("a@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 5))));
    }

    [Fact]
    public void Loose_email_allows_carrier_addresses()
    {
        Assert.False(TraitFormats.IsEmail("foo.@docomo.ne.jp"));
        Assert.True(TraitFormats.IsLooseEmail("foo.@docomo.ne.jp"));
        Assert.False(TraitFormats.IsLooseEmail("foo <bar>@example.com"));
        Assert.False(TraitFormats.IsLooseEmail("foo@"));
    }

    [Theory]
    [InlineData("+4917612345678")]
    [InlineData("+49 176 12345678")]
    [InlineData("+1 (650) 253-0000")]
    [InlineData("+442071838750")]
    public void Accepts_international_phone_numbers(string phone) => Assert.True(TraitFormats.IsPhoneNumber(phone), phone);

    [Theory]
    [InlineData("")]
    [InlineData("017612345678")]
    [InlineData("+1234")]
    [InlineData("+49 12")]
    [InlineData("not a number")]
    [InlineData("+999 1234567")]
    public void Rejects_invalid_phone_numbers(string phone) => Assert.False(TraitFormats.IsPhoneNumber(phone), phone);

    [Theory]
    [InlineData("+49 176 12345678", "+4917612345678")]
    [InlineData("+1 (650) 253-0000", "+16502530000")]
    [InlineData("＋４９１７６１２３４５６７８", "+4917612345678")]
    public void Normalizes_phone_numbers_to_e164(string input, string expected)
    {
        Assert.Equal(expected, IdentifierNormalizer.Phone(input));
    }

    [Theory]
    [InlineData("date", "2024-02-29", true)]
    [InlineData("date", "2023-02-29", false)]
    [InlineData("date", "2024-1-01", false)]
    [InlineData("date", "2024-01-01T00:00:00Z", false)]
    [InlineData("date-time", "2024-01-01T10:00:00Z", true)]
    [InlineData("date-time", "2024-01-01T10:00:00.123456+02:00", true)]
    [InlineData("date-time", "2024-01-01 10:00:00Z", false)]
    [InlineData("date-time", "2024-01-01T25:00:00Z", false)]
    [InlineData("date-time", "2024-01-01T10:00:00", false)]
    [InlineData("uri", "https://example.com/a?b=c", true)]
    [InlineData("uri", "mailto:foo@example.com", true)]
    [InlineData("uri", "/relative/path", false)]
    [InlineData("uri", "https://exa mple.com", false)]
    [InlineData("uri", "https://example.com/%zz", false)]
    [InlineData("tel", "+4917612345678", true)]
    [InlineData("no-validate", "anything", true)]
    public void Checks_formats(string format, string value, bool valid)
    {
        Assert.Equal(valid, TraitFormats.Check(format, value));
    }

    [Fact]
    public void Unknown_formats_are_not_checked()
    {
        Assert.Null(TraitFormats.Check("x-custom", "value"));
        Assert.False(TraitFormats.IsKnown("x-custom"));
        Assert.True(TraitFormats.IsKnown("email"));
    }

    [Theory]
    [InlineData("  Foo@Example.COM ", "foo@example.com")]
    [InlineData("ＡＢＣ@example.com", "abc@example.com")]
    [InlineData("ali\u200Bce@example.com", "alice@example.com")]
    [InlineData("UserName", "username")]
    [InlineData("+49 176 12345678", "+4917612345678")]
    public void Graceful_normalization_canonicalizes_identifiers(string input, string expected)
    {
        Assert.Equal(expected, IdentifierNormalizer.Graceful(input));
    }
}
