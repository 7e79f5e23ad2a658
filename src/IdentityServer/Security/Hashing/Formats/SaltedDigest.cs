using System.Security.Cryptography;

namespace IdentityServer.Security.Hashing.Formats;

/// <summary>Plain digests and the <c>pf</c> templates that say how salt and password were joined before hashing.</summary>
internal static class SaltedDigest
{
    private static readonly byte[] SaltPlaceholder = "{SALT}"u8.ToArray();
    private static readonly byte[] PasswordPlaceholder = "{PASSWORD}"u8.ToArray();

    public static byte[] Compute(HashAlgorithmName algorithm, byte[] data)
    {
        if (algorithm == HashAlgorithmName.SHA1) return SHA1.HashData(data);
        if (algorithm == HashAlgorithmName.SHA256) return SHA256.HashData(data);
        if (algorithm == HashAlgorithmName.SHA512) return SHA512.HashData(data);
        if (algorithm == HashAlgorithmName.MD5) return MD5.HashData(data);
        throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm.Name, "unsupported digest");
    }

    /// <summary>
    /// Replaces every {SALT} and {PASSWORD} in one left-to-right pass, so text inserted from the salt
    /// or password is never itself treated as a placeholder.
    /// </summary>
    public static byte[] ExpandTemplate(byte[] template, byte[] salt, byte[] password)
    {
        var result = new List<byte>(template.Length + salt.Length + password.Length);
        var span = template.AsSpan();
        var i = 0;
        while (i < span.Length)
        {
            if (span[i..].StartsWith(SaltPlaceholder))
            {
                result.AddRange(salt);
                i += SaltPlaceholder.Length;
            }
            else if (span[i..].StartsWith(PasswordPlaceholder))
            {
                result.AddRange(password);
                i += PasswordPlaceholder.Length;
            }
            else
            {
                result.Add(span[i]);
                i++;
            }
        }

        return result.ToArray();
    }

    /// <summary>Reads a "pf=&lt;base64 template&gt;" field.</summary>
    public static byte[] Template(string field, string format)
    {
        if (!field.StartsWith("pf=", StringComparison.Ordinal) || field.Length == 3)
        {
            throw new MalformedHashException(format, "expected pf=<base64 template such as {SALT}{PASSWORD}>");
        }

        return HashText.Base64(field[3..], format, "pf template");
    }
}
