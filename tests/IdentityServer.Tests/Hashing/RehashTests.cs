using IdentityServer.Security.Hashing;

namespace IdentityServer.Tests.Hashing;

public class RehashTests
{
    // `htpasswd -nbB -C 4 u 'correct horse'`
    private const string BcryptCost4 = "$2y$04$Fzrny3zobjDpG4k6L5JboOFl4Rj2u7vWKBy4/e0bz3bq1fC4tBNya";

    // `echo -n 'correct horse' | argon2 somesalt1234 -id -t 2 -k 1024 -p 2 -l 32 -e`
    private const string Argon2idM1024T2P2 = "$argon2id$v=19$m=1024,t=2,p=2$c29tZXNhbHQxMjM0$XzoMVFBkA1ObEyX30PVwxaMszE6IQqRlwrk7E/FFKPM";

    // Python hashlib.pbkdf2_hmac("sha256", ...), see ImportVectorTests.
    private const string Pbkdf2 = "$pbkdf2-sha256$i=10000,l=32$K3Wp5Mmxe8Edeco+lXj8Hw$8SrHJ+VQtH5QX7Suxx0asEA5/T8XUbllQduD/HLm7NY";

    private static HasherOptions Bcrypt(int cost) => new() { BcryptCost = cost };

    private static HasherOptions Argon2(int memory = 1024, int iterations = 2, int parallelism = 2, int salt = 12, int key = 32) => new()
    {
        Algorithm = "argon2",
        Argon2 = { Memory = memory, Iterations = iterations, Parallelism = parallelism, SaltLength = salt, KeyLength = key },
    };

    [Fact]
    public void Bcrypt_with_the_configured_cost_is_kept()
    {
        Assert.Equal(new PasswordVerification(true, false), new PasswordVerifier(Bcrypt(4)).Verify("correct horse", BcryptCost4));
    }

    [Fact]
    public void Bcrypt_with_another_cost_needs_rehash()
    {
        Assert.Equal(new PasswordVerification(true, true), new PasswordVerifier(Bcrypt(5)).Verify("correct horse", BcryptCost4));
    }

    [Fact]
    public void Imported_formats_need_rehash()
    {
        Assert.Equal(new PasswordVerification(true, true), new PasswordVerifier(Bcrypt(4)).Verify("correct horse sha256", Pbkdf2));
        Assert.Equal(new PasswordVerification(true, true), new PasswordVerifier(Argon2()).Verify("correct horse sha256", Pbkdf2));
    }

    [Fact]
    public void Argon2id_with_the_configured_parameters_is_kept()
    {
        // The vector's salt is "somesalt1234", 12 bytes.
        Assert.Equal(new PasswordVerification(true, false), new PasswordVerifier(Argon2()).Verify("correct horse", Argon2idM1024T2P2));
    }

    public static TheoryData<HasherOptions> ChangedArgon2Settings => new()
    {
        Argon2(memory: 2048),
        Argon2(iterations: 3),
        Argon2(parallelism: 4),
        Argon2(salt: 16),
        Argon2(key: 16),
        Bcrypt(4),
    };

    [Theory]
    [MemberData(nameof(ChangedArgon2Settings))]
    public void Argon2id_with_other_settings_needs_rehash(HasherOptions options)
    {
        Assert.Equal(new PasswordVerification(true, true), new PasswordVerifier(options).Verify("correct horse", Argon2idM1024T2P2));
    }

    [Fact]
    public void Bcrypt_needs_rehash_when_argon2_is_configured()
    {
        Assert.Equal(new PasswordVerification(true, true), new PasswordVerifier(Argon2()).Verify("correct horse", BcryptCost4));
    }

    [Fact]
    public void A_wrong_password_never_asks_for_rehash()
    {
        Assert.Equal(PasswordVerification.Invalid, new PasswordVerifier(Bcrypt(12)).Verify("wrong", Pbkdf2));
    }

    [Fact]
    public void Check_returns_a_new_hash_of_the_configured_algorithm_for_imported_hashes()
    {
        var options = Bcrypt(4);
        var check = new PasswordCheck(options);

        Assert.True(check.VerifyAndMaybeRehash("correct horse sha256", Pbkdf2, out var newHash));

        Assert.NotNull(newHash);
        Assert.StartsWith("$2a$04$", newHash);
        Assert.Equal(new PasswordVerification(true, false), new PasswordVerifier(options).Verify("correct horse sha256", newHash));
    }

    [Fact]
    public void Check_upgrades_bcrypt_to_argon2_when_argon2_is_configured()
    {
        var options = Argon2(salt: 16);

        Assert.True(new PasswordCheck(options).VerifyAndMaybeRehash("correct horse", BcryptCost4, out var newHash));

        Assert.StartsWith("$argon2id$v=19$m=1024,t=2,p=2$", newHash);
        Assert.Equal(new PasswordVerification(true, false), new PasswordVerifier(options).Verify("correct horse", newHash!));
    }

    [Fact]
    public void Check_leaves_current_hashes_alone()
    {
        Assert.True(new PasswordCheck(Bcrypt(4)).VerifyAndMaybeRehash("correct horse", BcryptCost4, out var newHash));
        Assert.Null(newHash);
    }

    [Fact]
    public void Check_gives_no_hash_for_a_wrong_password()
    {
        Assert.False(new PasswordCheck(Bcrypt(4)).VerifyAndMaybeRehash("wrong", Pbkdf2, out var newHash));
        Assert.Null(newHash);
    }

    [Fact]
    public void Check_keeps_the_old_hash_when_bcrypt_cannot_take_the_password()
    {
        var longPassword = new string('p', 80);
        var argon2Hash = new PasswordHasher(Argon2()).Hash(longPassword);

        Assert.True(new PasswordCheck(Bcrypt(4)).VerifyAndMaybeRehash(longPassword, argon2Hash, out var newHash));
        Assert.Null(newHash);
    }

    [Fact]
    public void Needs_rehash_can_be_asked_without_a_password()
    {
        var verifier = new PasswordVerifier(Bcrypt(4));

        Assert.False(verifier.NeedsRehash(BcryptCost4));
        Assert.True(verifier.NeedsRehash(Pbkdf2));
        Assert.True(verifier.NeedsRehash("garbage"));
    }
}
