namespace IdentityServer.Security.Hashing;

public interface IPasswordHasher
{
    /// <summary>Hashes a new password with the configured algorithm, in the form Kratos stores.</summary>
    string Hash(string password);
}
