using System.Globalization;
using System.Text.RegularExpressions;
using PhoneNumbers;

namespace IdentityServer.Identities.Schemas;

/// <summary>
/// The string formats identity schemas use. The checks follow the reference server's behaviour,
/// including its leniency (e.g. single-label mail domains such as <c>user@localhost</c> are fine).
/// </summary>
public static partial class TraitFormats
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>Whether <paramref name="format"/> has a check here; unknown formats always pass.</summary>
    public static bool IsKnown(string format) => Check(format, "") is not null;

    /// <summary>True when the value satisfies the format, false when not, null when the format is unknown.</summary>
    public static bool? Check(string format, string value) => format switch
    {
        "email" => IsEmail(value),
        "email_loose" => IsLooseEmail(value),
        "tel" => IsPhoneNumber(value),
        "date" => IsDate(value),
        "date-time" => IsDateTime(value),
        "uri" or "iri" => IsUri(value),
        "no-validate" => true,
        _ => null,
    };

    /// <summary>An RFC 5322 address (dot-atom or quoted local part) with a host name as domain.</summary>
    public static bool IsEmail(string value)
    {
        if (value.Length > 254)
        {
            return false;
        }
        var at = value.LastIndexOf('@');
        if (at <= 0)
        {
            return false;
        }
        var local = value[..at];
        var domain = value[(at + 1)..];
        if (local.Length > 64 || !IsHostname(domain))
        {
            return false;
        }
        // Leading white space before the address is tolerated, as a mail address parser skips it.
        local = local.TrimStart(' ', '\t');
        return IsDotAtom(local) || IsQuotedString(local);
    }

    /// <summary>
    /// The loose form accepts carrier addresses that break RFC rules (e.g. <c>foo.@example.jp</c>)
    /// while still rejecting characters unsafe in mail headers.
    /// </summary>
    public static bool IsLooseEmail(string value)
    {
        if (value.Length == 0 || value.Length > 320)
        {
            return false;
        }
        var at = value.IndexOf('@');
        if (at <= 0 || at == value.Length - 1)
        {
            return false;
        }
        var local = value[..at];
        var domain = value[(at + 1)..];
        foreach (var c in local)
        {
            if (!char.IsLetterOrDigit(c) && !"!#$%&'*+/=?^_`{|}~.-".Contains(c))
            {
                return false;
            }
        }
        try
        {
            new IdnMapping { UseStd3AsciiRules = true }.GetAscii(domain);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static bool IsHostname(string value)
    {
        var host = value.EndsWith('.') ? value[..^1] : value;
        if (host.Length == 0 || host.Length > 253 || host[0] == '-')
        {
            return false;
        }
        foreach (var label in host.Split('.'))
        {
            if (label.Length is < 1 or > 63 || label[^1] == '-')
            {
                return false;
            }
            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>A phone number in international form (leading <c>+</c>) that is valid for its region.</summary>
    public static bool IsPhoneNumber(string value) => TryParsePhone(value, out _);

    /// <summary>The E.164 form of a valid international phone number.</summary>
    public static bool TryNormalizePhone(string value, out string e164)
    {
        if (TryParsePhone(value, out var number))
        {
            e164 = Phones.Format(number, PhoneNumberFormat.E164);
            return true;
        }
        e164 = "";
        return false;
    }

    private static bool TryParsePhone(string value, out PhoneNumber number)
    {
        number = null!;
        // Without a default region only numbers with a country code can parse; skip the exception path early.
        var trimmed = value.TrimStart();
        if (trimmed.Length == 0 || (trimmed[0] != '+' && trimmed[0] != '\uFF0B'))
        {
            return false;
        }
        try
        {
            number = Phones.Parse(value, null);
            return Phones.IsValidNumber(number);
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    /// <summary>An RFC 3339 full-date: <c>2006-01-02</c>.</summary>
    public static bool IsDate(string value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    /// <summary>An RFC 3339 timestamp with an explicit offset, e.g. <c>2006-01-02T15:04:05.5+07:00</c>.</summary>
    public static bool IsDateTime(string value)
    {
        var match = DateTimePattern().Match(value);
        if (!match.Success)
        {
            return false;
        }
        var local = match.Groups["date"].Value + "T" + match.Groups["time"].Value;
        if (!DateTime.TryParseExact(local, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return false;
        }
        var offset = match.Groups["offset"].Value;
        if (offset == "Z")
        {
            return true;
        }
        var hours = int.Parse(offset.AsSpan(1, 2), CultureInfo.InvariantCulture);
        var minutes = int.Parse(offset.AsSpan(4, 2), CultureInfo.InvariantCulture);
        return hours < 24 && minutes < 60;
    }

    /// <summary>An absolute URI: a scheme followed by characters that are allowed in URIs.</summary>
    public static bool IsUri(string value)
    {
        if (!UriPattern().IsMatch(value))
        {
            return false;
        }
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c) || c == ' ')
            {
                return false;
            }
            if (c == '%' && (i + 2 >= value.Length || !char.IsAsciiHexDigit(value[i + 1]) || !char.IsAsciiHexDigit(value[i + 2])))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsDotAtom(string local)
    {
        if (local.Length == 0 || local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }
        foreach (var c in local)
        {
            var allowed = char.IsAsciiLetterOrDigit(c) || c == '.' || "!#$%&'*+-/=?^_`{|}~".Contains(c) || c > 0x7f;
            if (!allowed)
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsQuotedString(string local)
    {
        if (local.Length < 2 || local[0] != '"' || local[^1] != '"')
        {
            return false;
        }
        for (var i = 1; i < local.Length - 1; i++)
        {
            var c = local[i];
            if (c == '\\')
            {
                i++;
                continue;
            }
            if (c == '"' || (char.IsControl(c) && c != '\t'))
            {
                return false;
            }
        }
        return true;
    }

    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})T(?<time>\d{2}:\d{2}:\d{2})(\.\d+)?(?<offset>Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex DateTimePattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.\-]*:")]
    private static partial Regex UriPattern();
}
