using System.Security.Cryptography;

namespace IdentityServer.Security.Hashing.Formats;

/// <summary>
/// A SHA digest over a template of salt and password:
/// <c>$sha256$pf=&lt;base64 template&gt;$&lt;base64 salt&gt;$&lt;base64 digest&gt;</c>, e.g. template <c>{SALT}{PASSWORD}</c>.
/// </summary>
internal sealed class SaltedShaFormat : IHashFormat
{
    private const string Name = "sha";

    public HashFormat Kind => HashFormat.SaltedSha;

    public bool Matches(string hash) => Algorithm(hash) is not null;

    public void Validate(string hash) => Parse(hash);

    public bool Verify(string password, string hash)
    {
        var (algorithm, template, salt, digest) = Parse(hash);
        var data = SaltedDigest.ExpandTemplate(template, salt, HashText.Utf8(password));
        return CryptographicOperations.FixedTimeEquals(SaltedDigest.Compute(algorithm, data), digest);
    }

    private static (HashAlgorithmName Algorithm, byte[] Template, byte[] Salt, byte[] Digest) Parse(string hash)
    {
        var algorithm = Algorithm(hash) ?? throw new MalformedHashException(Name, "unknown digest");
        var fields = HashText.Split(hash, Name, 5);
        var template = SaltedDigest.Template(fields[2], Name);
        var salt = HashText.Base64(fields[3], Name, "salt");
        var digest = HashText.Base64(fields[4], Name, "digest");
        var expectedLength = SaltedDigest.Compute(algorithm, []).Length;
        if (digest.Length != expectedLength)
        {
            throw new MalformedHashException(Name, $"the {algorithm.Name} digest must be {expectedLength} bytes, found {digest.Length}");
        }

        return (algorithm, template, salt, digest);
    }

    private static HashAlgorithmName? Algorithm(string hash) =>
        hash.StartsWith("$sha1$", StringComparison.Ordinal) ? HashAlgorithmName.SHA1
        : hash.StartsWith("$sha256$", StringComparison.Ordinal) ? HashAlgorithmName.SHA256
        : hash.StartsWith("$sha512$", StringComparison.Ordinal) ? HashAlgorithmName.SHA512
        : null;
}
