using Org.BouncyCastle.Crypto.Generators;

namespace IdentityServer.Security.Hashing.Formats;

/// <summary>scrypt (RFC 7914) with limits that keep one verification from exhausting the server.</summary>
internal static class ScryptKdf
{
    // 128 * N * r bytes are needed per lane; one GiB is far above any real configuration.
    private const long MaxMemoryBytes = 1L << 30;

    public static void CheckParameters(long n, long r, long p, string format)
    {
        if (n < 2 || (n & (n - 1)) != 0)
        {
            throw new MalformedHashException(format, $"N must be a power of two greater than 1, found {n}");
        }

        if (r < 1 || p < 1 || r * p >= 1 << 30)
        {
            throw new MalformedHashException(format, $"r and p must be positive with r*p < 2^30, found r={r}, p={p}");
        }

        if (128 * n * r > MaxMemoryBytes)
        {
            throw new MalformedHashException(format, $"N={n}, r={r} would need more than {MaxMemoryBytes >> 20} MiB");
        }
    }

    public static byte[] Derive(byte[] password, byte[] salt, int n, int r, int p, int length) =>
        SCrypt.Generate(password, salt, n, r, p, length);
}
