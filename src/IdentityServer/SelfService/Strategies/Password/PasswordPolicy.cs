using IdentityServer.Config;
using IdentityServer.Text;

namespace IdentityServer.SelfService.Strategies.Password;

/// <summary>
/// The password rules of `selfservice.methods.password.config`: minimum length, not too similar to
/// the identifier (edit distance and longest common substring, as Kratos measures it), and the
/// breach check.
/// </summary>
public sealed class PasswordPolicy(BreachCheck breaches)
{
    private const int MinDistance = 5;
    private const double MaxCommonShare = 0.5;
    private const int MaxSimilarityLength = 256;

    public async Task<UiText?> CheckAsync(PasswordMethodConfig config, string identifier, string password, CancellationToken ct)
    {
        var length = System.Text.Encoding.UTF8.GetByteCount(password);
        if (length < config.MinPasswordLength)
            return Messages.PasswordMinLength(config.MinPasswordLength, length);
        if (config.IdentifierSimilarityCheckEnabled && identifier.Length > 0 && TooSimilar(identifier, password))
            return Messages.PasswordIdentifierTooSimilar();
        if (!config.HaveibeenpwnedEnabled)
            return null;

        var result = await breaches.CountAsync(config.HaveibeenpwnedHost, password, ct);
        if (result.Failure is not null)
            return config.IgnoreNetworkErrors ? null : Messages.PasswordPolicyViolation(result.Failure);
        return result.Count > config.MaxBreaches ? Messages.PasswordTooManyBreaches(result.Count) : null;
    }

    public static bool TooSimilar(string identifier, string password)
    {
        if (identifier.Length > MaxSimilarityLength || password.Length > MaxSimilarityLength) return false;
        var a = identifier.ToLowerInvariant();
        var b = password.ToLowerInvariant();
        return Levenshtein(a, b) < MinDistance || (double)LongestCommonSubstring(a, b) / b.Length > MaxCommonShare;
    }

    private static int Levenshtein(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    private static int LongestCommonSubstring(string a, string b)
    {
        var best = 0;
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : 0;
                best = Math.Max(best, current[j]);
            }
            (previous, current) = (current, previous);
            Array.Clear(current);
        }
        return best;
    }
}
