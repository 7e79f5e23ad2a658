using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace IdentityServer.Security.Hashing.Formats;

/// <summary>
/// SHA-crypt as Kratos imports it: <c>$sha256-crypt$[rounds=&lt;n&gt;$]&lt;salt&gt;$&lt;hash&gt;</c>
/// (and <c>$sha512-crypt$</c>), i.e. "$5$..." / "$6$..." with a different prefix.
/// </summary>
internal sealed class ShaCryptFormat : IHashFormat
{
    // The specification allows up to 999,999,999 rounds; refuse imports that would stall a login.
    private const int MaxAcceptedRounds = 10_000_000;

    private readonly ShaCrypt _crypt;
    private readonly string _name;

    public ShaCryptFormat(HashFormat kind)
    {
        Kind = kind;
        (_crypt, _name) = kind == HashFormat.Sha256Crypt ? (ShaCrypt.Sha256, "sha256-crypt") : (ShaCrypt.Sha512, "sha512-crypt");
    }

    public HashFormat Kind { get; }

    public bool Matches(string hash) => hash.StartsWith($"${_name}$", StringComparison.Ordinal);

    public void Validate(string hash) => Parse(hash);

    public bool Verify(string password, string hash)
    {
        var (rounds, salt, encoded) = Parse(hash);
        var computed = _crypt.Compute(HashText.Utf8(password), Encoding.UTF8.GetBytes(salt), rounds);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(encoded));
    }

    private (int Rounds, string Salt, string Encoded) Parse(string hash)
    {
        var fields = hash.Split('$');
        var rounds = ShaCrypt.DefaultRounds;
        int saltField;
        if (fields.Length == 5 && fields[2].StartsWith("rounds=", StringComparison.Ordinal))
        {
            if (!long.TryParse(fields[2]["rounds=".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var requested))
            {
                throw new MalformedHashException(_name, "rounds must be a non-negative integer");
            }

            // Out-of-range requests are clamped, as the specification says.
            rounds = (int)Math.Clamp(requested, ShaCrypt.MinRounds, ShaCrypt.MaxRounds);
            saltField = 3;
        }
        else if (fields.Length == 4)
        {
            saltField = 2;
        }
        else
        {
            throw new MalformedHashException(_name, $"expected ${_name}$[rounds=<n>$]<salt>$<hash>");
        }

        if (rounds > MaxAcceptedRounds)
        {
            throw new MalformedHashException(_name, $"at most {MaxAcceptedRounds} rounds are accepted, found {rounds}");
        }

        var encoded = fields[saltField + 1];
        if (encoded.Length != _crypt.EncodedLength || !CryptBase64.IsValid(encoded))
        {
            throw new MalformedHashException(_name, $"the hash must be {_crypt.EncodedLength} characters of crypt base64");
        }

        var salt = fields[saltField];
        return (rounds, salt.Length > ShaCrypt.MaxSaltLength ? salt[..ShaCrypt.MaxSaltLength] : salt, encoded);
    }
}
