using System.Security.Cryptography;

namespace IdentityServer.Security.Hashing.Formats;

/// <summary>The SHA-256 and SHA-512 based crypt ("$5$", "$6$") as specified by Ulrich Drepper.</summary>
internal sealed class ShaCrypt
{
    public const int DefaultRounds = 5000;
    public const int MinRounds = 1000;
    public const int MaxRounds = 999_999_999;
    public const int MaxSaltLength = 16;

    // The order in which the digest bytes are encoded is fixed by the specification, not derived.
    public static readonly ShaCrypt Sha256 = new(HashAlgorithmName.SHA256, 32,
    [
        [0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14],
        [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29], [31, 30],
    ]);

    public static readonly ShaCrypt Sha512 = new(HashAlgorithmName.SHA512, 64,
    [
        [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
        [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13],
        [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
        [63],
    ]);

    private readonly HashAlgorithmName _algorithm;
    private readonly int _digestLength;
    private readonly int[][] _outputOrder;

    private ShaCrypt(HashAlgorithmName algorithm, int digestLength, int[][] outputOrder)
    {
        _algorithm = algorithm;
        _digestLength = digestLength;
        _outputOrder = outputOrder;
    }

    public int EncodedLength => (_digestLength * 8 + 5) / 6;

    /// <summary>Returns the encoded digest (43 characters for SHA-256, 86 for SHA-512).</summary>
    public string Compute(byte[] password, byte[] salt, int rounds)
    {
        using var hash = IncrementalHash.CreateHash(_algorithm);
        hash.AppendData(password);
        hash.AppendData(salt);
        hash.AppendData(password);
        var alternate = hash.GetHashAndReset();

        hash.AppendData(password);
        hash.AppendData(salt);
        AppendRepeated(hash, alternate, password.Length);
        // For each bit of the length: the alternate digest when set, the password when clear.
        for (var bits = password.Length; bits > 0; bits >>= 1)
        {
            hash.AppendData((bits & 1) != 0 ? alternate : password);
        }

        var digest = hash.GetHashAndReset();

        for (var i = 0; i < password.Length; i++)
        {
            hash.AppendData(password);
        }

        var passwordSequence = Repeat(hash.GetHashAndReset(), password.Length);
        for (var i = 0; i < 16 + digest[0]; i++)
        {
            hash.AppendData(salt);
        }

        var saltSequence = Repeat(hash.GetHashAndReset(), salt.Length);

        for (var round = 0; round < rounds; round++)
        {
            hash.AppendData((round & 1) != 0 ? passwordSequence : digest);
            if (round % 3 != 0) hash.AppendData(saltSequence);
            if (round % 7 != 0) hash.AppendData(passwordSequence);
            hash.AppendData((round & 1) != 0 ? digest : passwordSequence);
            hash.GetHashAndReset(digest);
        }

        return CryptBase64.Encode(digest, _outputOrder);
    }

    private static void AppendRepeated(IncrementalHash hash, byte[] source, int length)
    {
        for (var remaining = length; remaining > 0; remaining -= source.Length)
        {
            hash.AppendData(source, 0, Math.Min(remaining, source.Length));
        }
    }

    /// <summary>The source repeated (and cut) to exactly the given length.</summary>
    private static byte[] Repeat(byte[] source, int length)
    {
        var result = new byte[length];
        for (var i = 0; i < length; i++)
        {
            result[i] = source[i % source.Length];
        }

        return result;
    }
}
