namespace IdentityServer.Security.Hashing;

/// <param name="Valid">The password matches the stored hash.</param>
/// <param name="NeedsRehash">
/// The password matched, but the stored hash is not the configured algorithm or uses other parameters,
/// so it should be replaced by a fresh hash of the same password.
/// </param>
public readonly record struct PasswordVerification(bool Valid, bool NeedsRehash)
{
    public static readonly PasswordVerification Invalid = new(false, false);
}
