using IdentityServer.Security.Hashing;

namespace IdentityServer.Tests.Hashing;

public class ImportedHashFormatTests
{
    [Theory]
    [InlineData("")]
    [InlineData("plaintext-password")]
    [InlineData("$unknown$12$o6hx.Wog/wvFSkT/Bp/6DOxCtLRTDj7lm9on9suF/WaCGNVHbkfL6")]
    [InlineData("$2x$04$Fzrny3zobjDpG4k6L5JboOFl4Rj2u7vWKBy4/e0bz3bq1fC4tBNya")]
    [InlineData("$1$TVEiiKNb$SN6/pUaRQS/E8Jh46As2C/")]
    [InlineData("$5$awpcR7lDlnK/S7WE$F2/0YE54XxWrVchhnl3sXvldN73NPhL5Rj3OgP04hz6")]
    [InlineData("{SSHAnope}9GSfrh0sDv3frV6glSLiRZkSEoBhYmNk")]
    [InlineData("{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=")]
    [InlineData("$argon2d$v=19$m=1024,t=2,p=2$c29tZXNhbHQxMjM0$XzoMVFBkA1ObEyX30PVwxaMszE6IQqRlwrk7E/FFKPM")]
    [InlineData("$sha384$pf=e1NBTFR9e1BBU1NXT1JEfQ==$czRsdCE=$4qv6DVW5SSHMt49Xq4DvkVQkjhcGhrPG/Im/Jg4NxZs=")]
    [InlineData("$hmac-sha3$YQ==$MTIzNDU=")]
    [InlineData("$hmac$ZmU4Njk3Zjc0MmQwODA0MDVkMTI3MGU2MTYzMzE2Zjk=$MTIzNDU=")]
    public void Unknown_formats_get_a_clear_error(string hash)
    {
        var error = Assert.Throws<UnsupportedHashFormatException>(() => ImportedHashFormat.Detect(hash));

        Assert.StartsWith("unsupported hash format: the value must start with a known prefix such as $2a$", error.Message);
        Assert.Contains("$argon2id$", error.Message);
        Assert.Contains("$pbkdf2-sha256$", error.Message);
        Assert.Contains("{SSHA}", error.Message);
        Assert.False(ImportedHashFormat.IsSupported(hash));
        Assert.Equal(error.Message, ImportedHashFormat.Problem(hash));
    }

    [Fact]
    public void The_error_does_not_echo_the_value()
    {
        var error = Assert.Throws<UnsupportedHashFormatException>(() => ImportedHashFormat.Detect("secret-looking-value"));

        Assert.DoesNotContain("secret-looking-value", error.Message);
    }

    [Theory]
    // bcrypt: truncated, cost out of range
    [InlineData("$2a$04$Fzrny3zobjDpG4k6L5JboOFl4Rj2u7vWKBy4/e0bz3bq1fC4tBNy", "bcrypt")]
    [InlineData("$2a$99$Fzrny3zobjDpG4k6L5JboOFl4Rj2u7vWKBy4/e0bz3bq1fC4tBNya", "the cost must be between 4 and 31")]
    // argon2: wrong version, missing parameter, broken base64, wrong field count
    [InlineData("$argon2id$v=16$m=1024,t=2,p=2$c29tZXNhbHQxMjM0$XzoMVFBkA1ObEyX30PVwxaMszE6IQqRlwrk7E/FFKPM", "only version v=19")]
    [InlineData("$argon2id$v=19$m=1024,p=2$c29tZXNhbHQxMjM0$XzoMVFBkA1ObEyX30PVwxaMszE6IQqRlwrk7E/FFKPM", "missing parameter t")]
    [InlineData("$argon2i$v=19$m=1024,t=2,p=2$c29tZXNh!HQxMjM0$XzoMVFBkA1ObEyX30PVwxaMszE6IQqRlwrk7E/FFKPM", "the salt is not valid base64")]
    [InlineData("$argon2id$v=19$m=1024,t=2,p=2$XzoMVFBkA1ObEyX30PVwxaMszE6IQqRlwrk7E/FFKPM", "'$'-separated fields")]
    [InlineData("$argon2id$v=19$m=9999999999,t=2,p=2$c29tZXNhbHQxMjM0$XzoMVFBkA1ObEyX30PVwxaMszE6IQqRlwrk7E/FFKPM", "m (memory in KiB)")]
    // pbkdf2: unknown digest, unreadable parameters (Kratos's own negative examples use I= and a missing block)
    [InlineData("$pbkdf2-sha3$i=1000,l=32$YVXaVB9VNufKHoitm0Bu6g$fkKb4Pq0xkd83LfotA/aoNDQ2QAqBe5znXzQAAYxBjo", "unknown digest \"sha3\"")]
    [InlineData("$pbkdf2-sha512$I=100000,l=32$YVXaVB9VNufKHoitm0Bu6g$fkKb4Pq0xkd83LfotA/aoNDQ2QAqBe5znXzQAAYxBjo", "expected parameters i=<number>,l=<number>")]
    [InlineData("$pbkdf2-sha256$YVXaVB9VNufKHoitm0Bu6g$fkKb4Pq0xkd83LfotA/aoNDQ2QAqBe5znXzQAAYxBjo", "'$'-separated fields")]
    // scrypt: a logarithm where Kratos expects N, a non-power of two, too much memory
    [InlineData("$scrypt$ln=14,r=8,p=1$rwAUx9Vnsx3RhsypW0PjVIY9xEPvGAtHTJN4UGoQ7Mg=$yCzJ6MzbW/MCZq1QyORn6JmIifHB8CusuIAA5b++3/Y=", "not its logarithm")]
    [InlineData("$scrypt$ln=16385,r=8,p=1$rwAUx9Vnsx3RhsypW0PjVIY9xEPvGAtHTJN4UGoQ7Mg=$yCzJ6MzbW/MCZq1QyORn6JmIifHB8CusuIAA5b++3/Y=", "power of two")]
    [InlineData("$scrypt$ln=1073741824,r=8,p=1$rwAUx9Vnsx3RhsypW0PjVIY9xEPvGAtHTJN4UGoQ7Mg=$yCzJ6MzbW/MCZq1QyORn6JmIifHB8CusuIAA5b++3/Y=", "MiB")]
    [InlineData("$scrypt$ln=abc,r=8,p=1$rwAUx9Vnsx3RhsypW0PjVIY9xEPvGAtHTJN4UGoQ7Mg=$yCzJ6MzbW/MCZq1QyORn6JmIifHB8CusuIAA5b++3/Y=", "non-negative integer")]
    // firescrypt: missing signer key
    [InlineData("$firescrypt$ln=14,r=8,p=1$42xEC+ixf3L2lw==$lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==$Bw==", "'$'-separated fields")]
    // ssha: nothing after the digest
    [InlineData("{SSHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=", "followed by a salt")]
    // sha: empty template, digest of the wrong size
    [InlineData("$sha1$pf=$czRsdCE=$7ADmspdSt0i9an1pXro7m/pdjpo=", "expected pf=")]
    [InlineData("$sha256$pf=e1NBTFR9e1BBU1NXT1JEfQ==$czRsdCE=$7ADmspdSt0i9an1pXro7m/pdjpo=", "must be 32 bytes")]
    // md5
    [InlineData("$md5$$", "expected $md5$<digest>")]
    [InlineData("$md5$pf=MTIz$MTIz$Z", "the digest is not valid base64")]
    // crypt formats
    [InlineData("$md5-crypt$whuMjZj.HMFoaTaZRRtkO0", "'$'-separated fields")]
    [InlineData("$sha256-crypt$$", "the hash must be 43 characters")]
    [InlineData("$sha512-crypt$rounds=99999999$s$SYR1YUA56xQAkK2UrCOtlUACtXpf4gyueA2DWBmbxjFM9xD5LGQwcxlcGB0qqJASk37BaHsNeLWKKMljmmIF80", "at most")]
    // hmac: missing key, MAC that is not hex
    [InlineData("$hmac-md5$ZmU4Njk3Zjc0MmQwODA0MDVkMTI3MGU2MTYzMzE2Zjk=", "'$'-separated fields")]
    [InlineData("$hmac-md5$bm90IGhleA==$MTIzNDU=", "hexadecimal")]
    public void Known_prefixes_with_broken_content_say_what_is_wrong(string hash, string expected)
    {
        var error = Assert.Throws<MalformedHashException>(() => ImportedHashFormat.Detect(hash));

        Assert.StartsWith("malformed ", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.False(ImportedHashFormat.IsSupported(hash));
        Assert.Equal(error.Message, ImportedHashFormat.Problem(hash));
    }

    [Fact]
    public void Malformed_and_unknown_hashes_never_verify()
    {
        var verifier = new PasswordVerifier(new HasherOptions { BcryptCost = 4 });

        Assert.Equal(PasswordVerification.Invalid, verifier.Verify("test", "$unknown$abc"));
        Assert.Equal(PasswordVerification.Invalid, verifier.Verify("test", ""));
        Assert.Equal(PasswordVerification.Invalid, verifier.Verify("test", "$md5$$"));
        Assert.Equal(PasswordVerification.Invalid, verifier.Verify("", "$md5-crypt$$"));
    }

    [Fact]
    public void Padding_is_optional_in_base64_fields()
    {
        // The scrypt vector from ImportVectorTests without its '=' padding.
        const string unpadded = "$scrypt$ln=1024,r=8,p=1$rwAUx9Vnsx3RhsypW0PjVIY9xEPvGAtHTJN4UGoQ7Mg$yCzJ6MzbW/MCZq1QyORn6JmIifHB8CusuIAA5b++3/Y";

        Assert.Equal(HashFormat.Scrypt, ImportedHashFormat.Detect(unpadded));
        Assert.True(new PasswordVerifier(new HasherOptions()).Verify("scrypt secret", unpadded).Valid);
    }

    [Fact]
    public void Template_expansion_is_a_single_pass()
    {
        // Python: hashlib.sha1(b"{PASSWORD}" + b"pw").digest(), i.e. template {SALT}{PASSWORD} with salt "{PASSWORD}".
        // Re-expanding the inserted salt would hash "pwpw" instead.
        const string hash = "$sha1$pf=e1NBTFR9e1BBU1NXT1JEfQ==$e1BBU1NXT1JEfQ==$2M4bcSVO7mqcSj9xavo0n21VFc8=";

        Assert.True(new PasswordVerifier(new HasherOptions()).Verify("pw", hash).Valid);
    }

    [Fact]
    public void Hmac_accepts_upper_case_hex()
    {
        // The hmac-md5 vector from ImportVectorTests with its hex text in upper case.
        const string hash = "$hmac-md5$QUYxRTY2QkRGQjA2MTc0M0JGMUVEQ0NGQjMzQTYxOEM=$MTIzNDU=";

        Assert.True(new PasswordVerifier(new HasherOptions()).Verify("secret md5", hash).Valid);
    }
}
