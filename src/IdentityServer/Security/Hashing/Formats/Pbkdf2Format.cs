using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace IdentityServer.Security.Hashing.Formats;

/// <summary>
/// PBKDF2 in Kratos's PHC form: <c>$pbkdf2-sha256$i=&lt;iterations&gt;,l=&lt;key length&gt;$&lt;salt&gt;$&lt;hash&gt;</c>,
/// base64 without padding.
/// </summary>
internal sealed class Pbkdf2Format : IHashFormat
{
    private const string Name = "pbkdf2";
    private const long MaxIterations = 10_000_000;

    public HashFormat Kind => HashFormat.Pbkdf2;

    public bool Matches(string hash) => hash.StartsWith("$pbkdf2-", StringComparison.Ordinal);

    public void Validate(string hash) => Parse(hash);

    public bool Verify(string password, string hash)
    {
        var (digest, iterations, salt, key) = Parse(hash);
        var computed = Derive(digest, HashText.Utf8(password), salt, iterations, key.Length);
        return CryptographicOperations.FixedTimeEquals(computed, key);
    }

    private static (string Digest, int Iterations, byte[] Salt, byte[] Key) Parse(string hash)
    {
        var fields = HashText.Split(hash, Name, 5);
        var digest = fields[1]["pbkdf2-".Length..];
        if (digest is not ("sha1" or "sha224" or "sha256" or "sha384" or "sha512"))
        {
            throw new MalformedHashException(Name, $"unknown digest \"{digest}\"; expected sha1, sha224, sha256, sha384 or sha512");
        }

        var values = HashText.Parameters(fields[2], Name, "i", "l");
        var iterations = HashText.InRange(values["i"], 1, MaxIterations, Name, "i (iterations)");
        var salt = HashText.Base64(fields[3], Name, "salt");
        var key = HashText.Base64(fields[4], Name, "hash");
        if (key.Length == 0)
        {
            throw new MalformedHashException(Name, "the hash is empty");
        }

        // Like Kratos, the key length comes from the decoded hash; l= is informational.
        return (digest, iterations, salt, key);
    }

    private static byte[] Derive(string digest, byte[] password, byte[] salt, int iterations, int length) => digest switch
    {
        "sha1" => Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA1, length),
        "sha256" => Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, length),
        "sha512" => Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA512, length),
        // Kratos maps "sha224" and "sha384" to SHA3-224 and SHA3-384; hashes it wrote follow that.
        "sha224" => Sha3Pbkdf2(224, password, salt, iterations, length),
        _ => Sha3Pbkdf2(384, password, salt, iterations, length),
    };

    private static byte[] Sha3Pbkdf2(int bits, byte[] password, byte[] salt, int iterations, int length)
    {
        var generator = new Pkcs5S2ParametersGenerator(new Sha3Digest(bits));
        generator.Init(password, salt, iterations);
        return ((KeyParameter)generator.GenerateDerivedMacParameters(length * 8)).GetKey();
    }
}
