using System.Security.Cryptography;

namespace IdentityServer.Security.Hashing.Formats;

/// <summary>
/// scrypt in Kratos's form: <c>$scrypt$ln=&lt;N&gt;,r=&lt;r&gt;,p=&lt;p&gt;$&lt;salt&gt;$&lt;hash&gt;</c>, padded base64.
/// Unlike the PHC convention, Kratos stores N itself in <c>ln</c> (e.g. ln=16384), not its logarithm.
/// </summary>
internal sealed class ScryptFormat : IHashFormat
{
    private const string Name = "scrypt";

    public HashFormat Kind => HashFormat.Scrypt;

    public bool Matches(string hash) => hash.StartsWith("$scrypt$", StringComparison.Ordinal);

    public void Validate(string hash) => Parse(hash);

    public bool Verify(string password, string hash)
    {
        var (n, r, p, salt, key) = Parse(hash);
        var computed = ScryptKdf.Derive(HashText.Utf8(password), salt, n, r, p, key.Length);
        return CryptographicOperations.FixedTimeEquals(computed, key);
    }

    private static (int N, int R, int P, byte[] Salt, byte[] Key) Parse(string hash)
    {
        var fields = HashText.Split(hash, Name, 5);
        var values = HashText.Parameters(fields[2], Name, "ln", "r", "p");
        var (n, r, p) = (values["ln"], values["r"], values["p"]);
        if (n is > 1 and < 64 && (n & (n - 1)) != 0)
        {
            throw new MalformedHashException(Name,
                $"ln must hold N itself (a power of two such as 16384), not its logarithm; found ln={n}");
        }

        ScryptKdf.CheckParameters(n, r, p, Name);
        var salt = HashText.Base64(fields[3], Name, "salt");
        var key = HashText.Base64(fields[4], Name, "hash");
        if (key.Length == 0)
        {
            throw new MalformedHashException(Name, "the hash is empty");
        }

        return ((int)n, (int)r, (int)p, salt, key);
    }
}
