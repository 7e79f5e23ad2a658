using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace IdentityServer.Security.Hashing.Formats;

/// <summary>
/// A keyed digest: <c>$hmac-sha256$&lt;base64 of the lower-case hex MAC&gt;$&lt;base64 key&gt;</c>;
/// md4, md5, sha1, sha224, sha256, sha384 and sha512 are accepted.
/// </summary>
internal sealed class HmacFormat : IHashFormat
{
    private const string Name = "hmac";
    private static readonly string[] Digests = ["md4", "md5", "sha1", "sha224", "sha256", "sha384", "sha512"];

    public HashFormat Kind => HashFormat.Hmac;

    public bool Matches(string hash) => Digest(hash) is not null;

    public void Validate(string hash) => Parse(hash);

    public bool Verify(string password, string hash)
    {
        var (digest, expectedHex, key) = Parse(hash);
        var mac = Compute(digest, key, HashText.Utf8(password));
        var computedHex = System.Text.Encoding.ASCII.GetBytes(Convert.ToHexStringLower(mac));
        return CryptographicOperations.FixedTimeEquals(computedHex, expectedHex);
    }

    private static (string Digest, byte[] ExpectedHex, byte[] Key) Parse(string hash)
    {
        var digest = Digest(hash) ?? throw new MalformedHashException(Name, "unknown digest");
        var fields = HashText.Split(hash, Name, 4);
        var hex = HashText.Base64(fields[2], Name, "MAC");
        var key = HashText.Base64(fields[3], Name, "key");
        if (hex.Length == 0 || !hex.All(b => char.IsAsciiHexDigit((char)b)))
        {
            throw new MalformedHashException(Name, "the MAC must be base64 of a hexadecimal string");
        }

        // Accept upper-case hex as well; the comparison is against our lower-case form.
        return (digest, hex.Select(b => (byte)char.ToLowerInvariant((char)b)).ToArray(), key);
    }

    private static byte[] Compute(string digest, byte[] key, byte[] data) => digest switch
    {
        "md5" => HMACMD5.HashData(key, data),
        "sha1" => HMACSHA1.HashData(key, data),
        "sha256" => HMACSHA256.HashData(key, data),
        "sha384" => HMACSHA384.HashData(key, data),
        "sha512" => HMACSHA512.HashData(key, data),
        // The framework has neither MD4 nor SHA-224.
        "md4" => BouncyHmac(new MD4Digest(), key, data),
        _ => BouncyHmac(new Sha224Digest(), key, data),
    };

    private static byte[] BouncyHmac(IDigest digest, byte[] key, byte[] data)
    {
        var hmac = new HMac(digest);
        hmac.Init(new KeyParameter(key));
        hmac.BlockUpdate(data, 0, data.Length);
        var output = new byte[hmac.GetMacSize()];
        hmac.DoFinal(output, 0);
        return output;
    }

    private static string? Digest(string hash) =>
        Digests.FirstOrDefault(d => hash.StartsWith($"$hmac-{d}$", StringComparison.Ordinal));
}
