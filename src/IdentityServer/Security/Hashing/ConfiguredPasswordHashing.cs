using IdentityServer.Identities;

namespace IdentityServer.Security.Hashing;

/// <summary>Hashing with the configured algorithm, and the import format check, for identities.</summary>
public sealed class ConfiguredPasswordHashing(IPasswordHasher hasher) : IPasswordHashing
{
    public string Hash(string password) => hasher.Hash(password);

    public string? ImportProblem(string hashedPassword) => ImportedHashFormat.Problem(hashedPassword);
}
