using System.Security.Cryptography;

namespace IdentityServer.Security.Hashing.Formats;

/// <summary>LDAP salted SHA: <c>{SSHA}</c>, <c>{SSHA256}</c> or <c>{SSHA512}</c> followed by base64(digest(password + salt) + salt).</summary>
internal sealed class SshaFormat : IHashFormat
{
    private const string Name = "ssha";

    public HashFormat Kind => HashFormat.Ssha;

    public bool Matches(string hash) => Scheme(hash) is not null;

    public void Validate(string hash) => Parse(hash);

    public bool Verify(string password, string hash)
    {
        var (algorithm, digest, salt) = Parse(hash);
        var computed = SaltedDigest.Compute(algorithm, [.. HashText.Utf8(password), .. salt]);
        return CryptographicOperations.FixedTimeEquals(computed, digest);
    }

    private static (HashAlgorithmName Algorithm, byte[] Digest, byte[] Salt) Parse(string hash)
    {
        var (prefix, algorithm, digestLength) = Scheme(hash) ?? throw new MalformedHashException(Name, "unknown scheme");
        var decoded = HashText.Base64(hash[prefix.Length..], Name, "value");
        if (decoded.Length <= digestLength)
        {
            throw new MalformedHashException(Name, $"expected a {digestLength}-byte digest followed by a salt");
        }

        return (algorithm, decoded[..digestLength], decoded[digestLength..]);
    }

    private static (string Prefix, HashAlgorithmName Algorithm, int DigestLength)? Scheme(string hash) =>
        hash.StartsWith("{SSHA}", StringComparison.Ordinal) ? ("{SSHA}", HashAlgorithmName.SHA1, 20)
        : hash.StartsWith("{SSHA256}", StringComparison.Ordinal) ? ("{SSHA256}", HashAlgorithmName.SHA256, 32)
        : hash.StartsWith("{SSHA512}", StringComparison.Ordinal) ? ("{SSHA512}", HashAlgorithmName.SHA512, 64)
        : null;
}
