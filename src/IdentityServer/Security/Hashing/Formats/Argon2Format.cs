using Konscious.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;

namespace IdentityServer.Security.Hashing.Formats;

/// <summary>Argon2 in PHC form: <c>$argon2id$v=19$m=&lt;KiB&gt;,t=&lt;passes&gt;,p=&lt;lanes&gt;$&lt;salt&gt;$&lt;hash&gt;</c>, base64 without padding.</summary>
internal sealed class Argon2Format(HashFormat kind) : IHashFormat
{
    private const int Version = 19;

    // Refuse stored parameters that would make a single verification exhaust the server.
    private const long MaxMemoryKib = 4L * 1024 * 1024;
    private const long MaxIterations = 1000;

    private readonly string _name = kind == HashFormat.Argon2id ? "argon2id" : "argon2i";

    public HashFormat Kind => kind;

    public bool Matches(string hash) => hash.StartsWith($"${_name}$", StringComparison.Ordinal);

    public void Validate(string hash) => Parse(hash);

    public bool Verify(string password, string hash)
    {
        var stored = Parse(hash);
        var computed = Derive(kind, HashText.Utf8(password), stored.Salt, stored.Parameters);
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(computed, stored.Key);
    }

    public Argon2Hash Parse(string hash)
    {
        var fields = HashText.Split(hash, _name, 6);
        if (fields[2] != $"v={Version}")
        {
            throw new MalformedHashException(_name, $"only version v={Version} is supported, found \"{fields[2]}\"");
        }

        var values = HashText.Parameters(fields[3], _name, "m", "t", "p");
        var parallelism = HashText.InRange(values["p"], 1, 255, _name, "p (parallelism)");
        var memory = HashText.InRange(values["m"], 8 * parallelism, MaxMemoryKib, _name, "m (memory in KiB)");
        var iterations = HashText.InRange(values["t"], 1, MaxIterations, _name, "t (iterations)");
        var salt = HashText.Base64(fields[4], _name, "salt");
        var key = HashText.Base64(fields[5], _name, "hash");
        if (salt.Length < 8)
        {
            throw new MalformedHashException(_name, "the salt must be at least 8 bytes");
        }

        if (key.Length < 4)
        {
            throw new MalformedHashException(_name, "the hash must be at least 4 bytes");
        }

        return new Argon2Hash(new Argon2Parameters(memory, iterations, parallelism, salt.Length, key.Length), salt, key);
    }

    public static byte[] Derive(HashFormat kind, byte[] password, byte[] salt, Argon2Parameters parameters)
    {
        if (password.Length == 0)
        {
            return DeriveEmptyPassword(kind, salt, parameters);
        }

        // Konscious computes the lanes on several threads, which keeps a single login fast.
        using Argon2 argon2 = kind == HashFormat.Argon2id ? new Argon2id(password) : new Argon2i(password);
        argon2.Salt = salt;
        argon2.MemorySize = parameters.MemoryKib;
        argon2.Iterations = parameters.Iterations;
        argon2.DegreeOfParallelism = parameters.Parallelism;
        return argon2.GetBytes(parameters.KeyLength);
    }

    // Konscious refuses an empty password, which Argon2 itself allows.
    private static byte[] DeriveEmptyPassword(HashFormat kind, byte[] salt, Argon2Parameters parameters)
    {
        var generator = new Argon2BytesGenerator();
        generator.Init(new Org.BouncyCastle.Crypto.Parameters.Argon2Parameters.Builder(
                kind == HashFormat.Argon2id
                    ? Org.BouncyCastle.Crypto.Parameters.Argon2Parameters.Argon2id
                    : Org.BouncyCastle.Crypto.Parameters.Argon2Parameters.Argon2i)
            .WithVersion(Org.BouncyCastle.Crypto.Parameters.Argon2Parameters.Version13)
            .WithMemoryAsKB(parameters.MemoryKib)
            .WithIterations(parameters.Iterations)
            .WithParallelism(parameters.Parallelism)
            .WithSalt(salt)
            .Build());
        var output = new byte[parameters.KeyLength];
        generator.GenerateBytes(Array.Empty<byte>(), output);
        return output;
    }

    public static string Encode(Argon2Parameters parameters, byte[] salt, byte[] key) =>
        $"$argon2id$v={Version}$m={parameters.MemoryKib},t={parameters.Iterations},p={parameters.Parallelism}" +
        $"${HashText.Base64Unpadded(salt)}${HashText.Base64Unpadded(key)}";
}

internal sealed record Argon2Parameters(int MemoryKib, int Iterations, int Parallelism, int SaltLength, int KeyLength);

internal sealed record Argon2Hash(Argon2Parameters Parameters, byte[] Salt, byte[] Key);
