using System.Security.Cryptography;

namespace IdentityServer.Security.Hashing.Formats;

/// <summary>
/// Firebase's modified scrypt, in Kratos's form:
/// <c>$firescrypt$ln=&lt;mem_cost&gt;,r=&lt;rounds&gt;,p=&lt;p&gt;$&lt;salt&gt;$&lt;hash&gt;$&lt;salt separator&gt;$&lt;signer key&gt;</c>,
/// padded base64. Here <c>ln</c> is Firebase's mem_cost, so N = 2^ln.
/// </summary>
/// <remarks>
/// Firebase derives a 32-byte key with scrypt(password, salt + separator) and stores the project's
/// signer key encrypted with AES-256-CTR under that key, starting from a zero counter.
/// </remarks>
internal sealed class FirebaseScryptFormat : IHashFormat
{
    private const string Name = "firescrypt";

    public HashFormat Kind => HashFormat.FirebaseScrypt;

    public bool Matches(string hash) => hash.StartsWith("$firescrypt$", StringComparison.Ordinal);

    public void Validate(string hash) => Parse(hash);

    public bool Verify(string password, string hash)
    {
        var stored = Parse(hash);
        var key = ScryptKdf.Derive(HashText.Utf8(password), [.. stored.Salt, .. stored.Separator], stored.N, stored.R, stored.P, 32);
        var computed = AesCtrFromZero(key, stored.SignerKey);
        return CryptographicOperations.FixedTimeEquals(computed, stored.Hash);
    }

    private static StoredFirebaseHash Parse(string hash)
    {
        var fields = HashText.Split(hash, Name, 7);
        var values = HashText.Parameters(fields[2], Name, "ln", "r", "p");
        var memCost = HashText.InRange(values["ln"], 1, 30, Name, "ln (mem_cost)");
        var n = 1L << memCost;
        ScryptKdf.CheckParameters(n, values["r"], values["p"], Name);
        var stored = new StoredFirebaseHash(
            (int)n,
            (int)values["r"],
            (int)values["p"],
            HashText.Base64(fields[3], Name, "salt"),
            HashText.Base64(fields[4], Name, "hash"),
            HashText.Base64(fields[5], Name, "salt separator"),
            HashText.Base64(fields[6], Name, "signer key"));
        if (stored.SignerKey.Length == 0 || stored.Hash.Length == 0)
        {
            throw new MalformedHashException(Name, "the hash and the signer key must not be empty");
        }

        return stored;
    }

    private static byte[] AesCtrFromZero(byte[] key, byte[] data)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        var counter = new byte[16];
        var output = new byte[data.Length];
        for (var offset = 0; offset < data.Length; offset += 16)
        {
            var keystream = aes.EncryptEcb(counter, PaddingMode.None);
            for (var i = 0; i < 16 && offset + i < data.Length; i++)
            {
                output[offset + i] = (byte)(data[offset + i] ^ keystream[i]);
            }

            Increment(counter);
        }

        return output;
    }

    private static void Increment(byte[] bigEndianCounter)
    {
        for (var i = bigEndianCounter.Length - 1; i >= 0; i--)
        {
            if (++bigEndianCounter[i] != 0)
            {
                return;
            }
        }
    }

    private sealed record StoredFirebaseHash(int N, int R, int P, byte[] Salt, byte[] Hash, byte[] Separator, byte[] SignerKey);
}
