namespace IdentityServer.Security.Hashing;

/// <summary>The stored password hash formats we can verify (all those Kratos accepts for import).</summary>
public enum HashFormat
{
    Bcrypt,
    Argon2id,
    Argon2i,
    Pbkdf2,
    Scrypt,
    FirebaseScrypt,
    Ssha,
    SaltedSha,
    Md5,
    Md5Crypt,
    Sha256Crypt,
    Sha512Crypt,
    Hmac,
}
