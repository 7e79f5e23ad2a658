using System.Security.Cryptography;

namespace IdentityServer.Security.Hashing.Formats;

/// <summary>
/// MD5 digests: <c>$md5$&lt;base64 digest&gt;</c>, or salted
/// <c>$md5$pf=&lt;base64 template&gt;$&lt;base64 salt&gt;$&lt;base64 digest&gt;</c>.
/// </summary>
internal sealed class Md5Format : IHashFormat
{
    private const string Name = "md5";

    public HashFormat Kind => HashFormat.Md5;

    public bool Matches(string hash) => hash.StartsWith("$md5$", StringComparison.Ordinal);

    public void Validate(string hash) => Parse(hash);

    public bool Verify(string password, string hash)
    {
        var (template, salt, digest) = Parse(hash);
        var passwordBytes = HashText.Utf8(password);
        var data = template is null ? passwordBytes : SaltedDigest.ExpandTemplate(template, salt, passwordBytes);
        return CryptographicOperations.FixedTimeEquals(MD5.HashData(data), digest);
    }

    private static (byte[]? Template, byte[] Salt, byte[] Digest) Parse(string hash)
    {
        var fields = hash.Split('$');
        switch (fields.Length)
        {
            case 3:
                return (null, [], NonEmptyDigest(fields[2]));
            case 5:
                var template = SaltedDigest.Template(fields[2], Name);
                return (template, HashText.Base64(fields[3], Name, "salt"), NonEmptyDigest(fields[4]));
            default:
                throw new MalformedHashException(Name, "expected $md5$<digest> or $md5$pf=<template>$<salt>$<digest>");
        }
    }

    private static byte[] NonEmptyDigest(string field)
    {
        var digest = HashText.Base64(field, Name, "digest");
        return digest.Length == 16 ? digest : throw new MalformedHashException(Name, "the digest must be 16 bytes");
    }
}
