using IdentityServer.Security.Hashing;

namespace IdentityServer.Tests.Hashing;

public class DummyVerificationTests
{
    [Fact]
    public void Dummy_hash_uses_the_configured_algorithm_and_is_made_once()
    {
        var options = new HasherOptions { BcryptCost = 4 };
        var hasher = new RecordingHasher(new PasswordHasher(options));
        var verifier = new PasswordVerifier(() => options, hasher);

        verifier.VerifyAgainstDummy("anything");
        verifier.VerifyAgainstDummy("something else");

        var dummy = Assert.Single(hasher.Hashes);
        Assert.StartsWith("$2a$04$", dummy);
        // Same algorithm and parameters as a current hash, so checking it costs the same as a real check.
        Assert.False(verifier.NeedsRehash(dummy));
    }

    [Fact]
    public void Dummy_hash_follows_configuration_changes()
    {
        var options = new HasherOptions { BcryptCost = 4 };
        var hasher = new RecordingHasher(new PasswordHasher(() => options));
        var verifier = new PasswordVerifier(() => options, hasher);

        verifier.VerifyAgainstDummy("pw");
        options = new HasherOptions
        {
            Algorithm = "argon2",
            Argon2 = { Memory = 1024, Iterations = 1, Parallelism = 1 },
        };
        verifier.VerifyAgainstDummy("pw");

        Assert.Equal(2, hasher.Hashes.Count);
        Assert.StartsWith("$argon2id$v=19$m=1024,t=1,p=1$", hasher.Hashes[1]);
        Assert.False(verifier.NeedsRehash(hasher.Hashes[1]));
    }

    [Fact]
    public void Unknown_user_check_is_always_false()
    {
        var check = new PasswordCheck(new HasherOptions { BcryptCost = 4 });

        Assert.False(check.VerifyUnknownUser("password"));
        Assert.False(check.VerifyUnknownUser(""));
    }

    private sealed class RecordingHasher(IPasswordHasher inner) : IPasswordHasher
    {
        public List<string> Hashes { get; } = [];

        public string Hash(string password)
        {
            var hash = inner.Hash(password);
            Hashes.Add(hash);
            return hash;
        }
    }
}
