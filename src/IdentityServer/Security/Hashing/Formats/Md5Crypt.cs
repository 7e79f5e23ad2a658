using System.Security.Cryptography;

namespace IdentityServer.Security.Hashing.Formats;

/// <summary>The FreeBSD MD5-based crypt ("$1$"), 1000 rounds of MD5 over password, salt and the previous digest.</summary>
internal static class Md5Crypt
{
    public const int MaxSaltLength = 8;
    private static readonly byte[] Magic = "$1$"u8.ToArray();

    private static readonly int[][] OutputOrder =
    [
        [0, 6, 12], [1, 7, 13], [2, 8, 14], [3, 9, 15], [4, 10, 5], [11],
    ];

    /// <summary>Returns the 22-character encoded digest.</summary>
    public static string Compute(byte[] password, byte[] salt)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        hash.AppendData(password);
        hash.AppendData(salt);
        hash.AppendData(password);
        var alternate = hash.GetHashAndReset();

        hash.AppendData(password);
        hash.AppendData(Magic);
        hash.AppendData(salt);
        for (var remaining = password.Length; remaining > 0; remaining -= 16)
        {
            hash.AppendData(alternate, 0, Math.Min(remaining, 16));
        }

        // For each bit of the length: a zero byte when set, the first password byte when clear.
        for (var bits = password.Length; bits > 0; bits >>= 1)
        {
            hash.AppendData((bits & 1) != 0 ? [0] : [password[0]]);
        }

        var digest = hash.GetHashAndReset();
        for (var round = 0; round < 1000; round++)
        {
            hash.AppendData((round & 1) != 0 ? password : digest);
            if (round % 3 != 0) hash.AppendData(salt);
            if (round % 7 != 0) hash.AppendData(password);
            hash.AppendData((round & 1) != 0 ? digest : password);
            hash.GetHashAndReset(digest);
        }

        return CryptBase64.Encode(digest, OutputOrder);
    }
}
