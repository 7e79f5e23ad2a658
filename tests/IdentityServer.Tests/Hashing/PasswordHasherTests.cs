using System.Text.RegularExpressions;
using IdentityServer.Security.Hashing;

namespace IdentityServer.Tests.Hashing;

public class PasswordHasherTests
{
    private static HasherOptions SmallArgon2() => new()
    {
        Algorithm = "argon2",
        Argon2 = { Memory = 1024, Iterations = 2, Parallelism = 2, SaltLength = 16, KeyLength = 32 },
    };

    [Fact]
    public void Defaults_match_kratos()
    {
        var options = new HasherOptions();

        Assert.Equal("bcrypt", options.Algorithm);
        Assert.Equal(12, options.BcryptCost);
        Assert.Equal(128 * 1024, options.Argon2.Memory);
        Assert.Equal(1, options.Argon2.Iterations);
        Assert.Equal(Environment.ProcessorCount * 2, options.Argon2.Parallelism);
        Assert.Equal(16, options.Argon2.SaltLength);
        Assert.Equal(32, options.Argon2.KeyLength);
    }

    [Fact]
    public void Default_bcrypt_hash_has_kratos_form_and_verifies()
    {
        var hash = new PasswordHasher(new HasherOptions()).Hash("correct horse battery");

        Assert.Matches(@"^\$2a\$12\$[./A-Za-z0-9]{53}$", hash);
        Assert.True(new PasswordVerifier(new HasherOptions()).Verify("correct horse battery", hash).Valid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("pässwörd✓ with spaces")]
    public void Bcrypt_round_trip(string password)
    {
        var options = new HasherOptions { BcryptCost = 4 };
        var hash = new PasswordHasher(options).Hash(password);
        var verifier = new PasswordVerifier(options);

        Assert.StartsWith("$2a$04$", hash);
        Assert.Equal(new PasswordVerification(true, false), verifier.Verify(password, hash));
        Assert.False(verifier.Verify(password + "!", hash).Valid);
    }

    [Fact]
    public void Bcrypt_accepts_72_bytes_and_refuses_longer_passwords()
    {
        var hasher = new PasswordHasher(new HasherOptions { BcryptCost = 4 });
        var limit = new string('a', 72);

        var hash = hasher.Hash(limit);

        Assert.True(new PasswordVerifier(new HasherOptions { BcryptCost = 4 }).Verify(limit, hash).Valid);
        var error = Assert.Throws<PasswordTooLongException>(() => hasher.Hash(limit + "a"));
        Assert.Equal(72, error.MaxBytes);
        // Bytes count, not characters: 37 two-byte characters are 74 bytes.
        Assert.Throws<PasswordTooLongException>(() => hasher.Hash(new string('ä', 37)));
    }

    [Fact]
    public void Bcrypt_does_not_match_a_password_that_only_shares_the_first_72_bytes()
    {
        var options = new HasherOptions { BcryptCost = 4 };
        var limit = new string('a', 72);
        var hash = new PasswordHasher(options).Hash(limit);

        // bcrypt itself would ignore the 73rd byte; we refuse instead of matching.
        Assert.False(new PasswordVerifier(options).Verify(limit + "b", hash).Valid);
    }

    [Fact]
    public void Argon2_hash_has_kratos_phc_form()
    {
        var hash = new PasswordHasher(SmallArgon2()).Hash("correct horse");

        var match = Regex.Match(hash, @"^\$argon2id\$v=19\$m=1024,t=2,p=2\$(?<salt>[A-Za-z0-9+/]+)\$(?<key>[A-Za-z0-9+/]+)$");
        Assert.True(match.Success, hash);
        // 16 bytes are 22 base64 characters and 32 bytes 43, without padding.
        Assert.Equal(22, match.Groups["salt"].Length);
        Assert.Equal(43, match.Groups["key"].Length);
    }

    [Theory]
    [InlineData("correct horse")]
    [InlineData("pässwörd✓")]
    [InlineData("")]
    public void Argon2_round_trip(string password)
    {
        var options = SmallArgon2();
        var hash = new PasswordHasher(options).Hash(password);
        var verifier = new PasswordVerifier(options);

        Assert.Equal(new PasswordVerification(true, false), verifier.Verify(password, hash));
        Assert.False(verifier.Verify(password + "x", hash).Valid);
    }

    [Fact]
    public void Argon2_salt_and_key_lengths_follow_the_options()
    {
        var options = SmallArgon2();
        options.Argon2.SaltLength = 24;
        options.Argon2.KeyLength = 64;

        var fields = new PasswordHasher(options).Hash("pw").Split('$');

        Assert.Equal(24, FromUnpaddedBase64(fields[4]).Length);
        Assert.Equal(64, FromUnpaddedBase64(fields[5]).Length);
    }

    [Fact]
    public void Each_hash_gets_a_fresh_salt()
    {
        var hasher = new PasswordHasher(SmallArgon2());

        Assert.NotEqual(hasher.Hash("same"), hasher.Hash("same"));
    }

    [Fact]
    public void Options_are_read_on_every_call()
    {
        var options = new HasherOptions { BcryptCost = 4 };
        var hasher = new PasswordHasher(() => options);

        Assert.StartsWith("$2a$04$", hasher.Hash("pw"));
        options = SmallArgon2();
        Assert.StartsWith("$argon2id$", hasher.Hash("pw"));
    }

    [Theory]
    [InlineData("scrypt", 12)]
    [InlineData("bcrypt", 3)]
    [InlineData("bcrypt", 32)]
    public void Invalid_options_are_refused(string algorithm, int cost)
    {
        var hasher = new PasswordHasher(new HasherOptions { Algorithm = algorithm, BcryptCost = cost });

        var error = Assert.Throws<ArgumentException>(() => hasher.Hash("pw"));
        Assert.Contains("hashers.", error.Message);
    }

    [Fact]
    public void Invalid_argon2_options_name_the_setting()
    {
        var options = SmallArgon2();
        options.Argon2.Memory = 8;

        var error = Assert.Throws<ArgumentException>(() => options.Validate());
        Assert.Contains("hashers.argon2.memory", error.Message);
    }

    private static byte[] FromUnpaddedBase64(string text) =>
        Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='));
}
