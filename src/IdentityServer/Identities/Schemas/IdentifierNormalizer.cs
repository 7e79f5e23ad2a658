using System.Globalization;
using System.Text;

namespace IdentityServer.Identities.Schemas;

/// <summary>
/// Canonical forms of identifiers and addresses so that look-ups and duplicate checks do not depend
/// on case, surrounding white space, width variants or invisible characters.
/// </summary>
public static class IdentifierNormalizer
{
    /// <summary>Trimmed, NFKC-normalised, lower-cased, with invisible and control characters removed.</summary>
    public static string Canonicalize(string value)
    {
        var normalized = Fold(value);
        var sb = new StringBuilder(normalized.Length);
        foreach (var rune in normalized.EnumerateRunes())
        {
            if (!IsDisallowed(rune))
            {
                sb.Append(rune.ToString().ToLowerInvariant());
            }
        }
        return sb.ToString();
    }

    /// <summary>E-mail addresses: canonical form (trimmed and lower-cased).</summary>
    public static string Email(string value) => Canonicalize(value);

    /// <summary>Phone numbers: E.164 when the number is valid, otherwise the value with widths folded and trimmed.</summary>
    public static string Phone(string value)
    {
        var folded = Fold(value);
        return TraitFormats.TryNormalizePhone(folded, out var e164) ? e164 : folded;
    }

    /// <summary>
    /// Best-effort normalisation of any identifier: phone numbers become E.164, everything else
    /// (e-mail addresses, user names) the canonical lower-case form.
    /// </summary>
    public static string Graceful(string value)
    {
        var canonical = Canonicalize(value);
        return TraitFormats.TryNormalizePhone(canonical, out var e164) ? e164 : canonical;
    }

    /// <summary>Strict normalisation for a delivery channel; fails when the value cannot be an address of that channel.</summary>
    public static bool TryNormalizeFor(string via, string value, out string normalized)
    {
        switch (via)
        {
            case "email":
                normalized = Canonicalize(value);
                return normalized.Length > 0 && TraitFormats.IsEmail(normalized);
            case "sms":
                return TraitFormats.TryNormalizePhone(Fold(value), out normalized);
            default:
                normalized = Canonicalize(value);
                return true;
        }
    }

    /// <summary>Trims and folds full-width forms to their ASCII counterparts, then applies NFKC.</summary>
    private static string Fold(string value)
    {
        // Full-width folding is done by hand: with invariant globalization NFKC may leave these forms alone.
        var chars = value.Trim().ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (c >= '\uFF01' && c <= '\uFF5E')
            {
                chars[i] = (char)(c - 0xFEE0);
            }
            else if (c == '\u3000')
            {
                chars[i] = ' ';
            }
        }
        return new string(chars).Trim().Normalize(NormalizationForm.FormKC);
    }

    private static bool IsDisallowed(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse
            or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned)
        {
            return true;
        }
        // Non-characters (U+FDD0..U+FDEF and U+xxFFFE/U+xxFFFF) never represent text.
        var v = rune.Value;
        return (v >= 0xFDD0 && v <= 0xFDEF) || (v & 0xFFFE) == 0xFFFE;
    }
}
