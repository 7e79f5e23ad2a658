using System.Security.Cryptography;
using System.Text;

namespace IdentityServer.Security.Hashing.Formats;

/// <summary>MD5-crypt as Kratos imports it: <c>$md5-crypt$&lt;salt&gt;$&lt;hash&gt;</c>, i.e. "$1$..." with a different prefix.</summary>
internal sealed class Md5CryptFormat : IHashFormat
{
    private const string Name = "md5-crypt";

    public HashFormat Kind => HashFormat.Md5Crypt;

    public bool Matches(string hash) => hash.StartsWith("$md5-crypt$", StringComparison.Ordinal);

    public void Validate(string hash) => Parse(hash);

    public bool Verify(string password, string hash)
    {
        var (salt, encoded) = Parse(hash);
        var computed = Md5Crypt.Compute(HashText.Utf8(password), Encoding.UTF8.GetBytes(salt));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(encoded));
    }

    private static (string Salt, string Encoded) Parse(string hash)
    {
        var fields = HashText.Split(hash, Name, 4);
        if (fields[3].Length != 22 || !CryptBase64.IsValid(fields[3]))
        {
            throw new MalformedHashException(Name, "expected $md5-crypt$<salt>$<22 characters of crypt base64>");
        }

        // crypt(3) only reads the first eight characters of the salt.
        var salt = fields[2].Length > Md5Crypt.MaxSaltLength ? fields[2][..Md5Crypt.MaxSaltLength] : fields[2];
        return (salt, fields[3]);
    }
}
