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
        var alternate = MD5.HashData([.. password, .. salt, .. password]);

        var context = new List<byte>();
        context.AddRange(password);
        context.AddRange(Magic);
        context.AddRange(salt);
        for (var remaining = password.Length; remaining > 0; remaining -= 16)
        {
            context.AddRange(alternate.AsSpan(0, Math.Min(remaining, 16)));
        }

        // For each bit of the length: a zero byte when set, the first password byte when clear.
        for (var bits = password.Length; bits > 0; bits >>= 1)
        {
            context.Add((bits & 1) != 0 ? (byte)0 : password[0]);
        }

        var digest = MD5.HashData(context.ToArray());
        for (var round = 0; round < 1000; round++)
        {
            context.Clear();
            context.AddRange((round & 1) != 0 ? password : digest);
            if (round % 3 != 0) context.AddRange(salt);
            if (round % 7 != 0) context.AddRange(password);
            context.AddRange((round & 1) != 0 ? digest : password);
            digest = MD5.HashData(context.ToArray());
        }

        return CryptBase64.Encode(digest, OutputOrder);
    }
}
