using System.Globalization;
using System.Text.Json.Nodes;

namespace IdentityServer.Text;

public static partial class Messages
{
    /// <summary>4000001: a validation error without a more specific message; the reason is the text.</summary>
    public static UiText ValidationGeneric(string reason) =>
        Error(MessageIds.ValidationGeneric, reason, new JsonObject { ["reason"] = reason });

    /// <summary>4000002: a required property is missing. <paramref name="property"/> is its plain name.</summary>
    public static UiText ValidationRequired(string property) =>
        Error(MessageIds.ValidationRequired, $"Property {property} is missing.", new JsonObject { ["property"] = property });

    public static UiText ValidationMinLength(int minLength, int actualLength) =>
        Error(MessageIds.ValidationMinLength, $"length must be >= {minLength}, but got {actualLength}",
            new JsonObject { ["min_length"] = minLength, ["actual_length"] = actualLength });

    public static UiText ValidationMaxLength(int maxLength, int actualLength) =>
        Error(MessageIds.ValidationMaxLength, $"length must be <= {maxLength}, but got {actualLength}",
            new JsonObject { ["max_length"] = maxLength, ["actual_length"] = actualLength });

    /// <summary>4000004: the value does not match the schema's <c>pattern</c>.</summary>
    public static UiText InvalidFormat(string pattern) =>
        Error(MessageIds.ValidationInvalidFormat, $"does not match pattern {GoStyleFormat.Quote(pattern)}",
            new JsonObject { ["pattern"] = pattern });

    public static UiText ValidationMinimum(double minimum, double actual) =>
        Error(MessageIds.ValidationMinimum, $"must be >= {GoStyleFormat.Number(minimum)} but found {GoStyleFormat.Number(actual)}",
            new JsonObject { ["minimum"] = minimum, ["actual"] = actual });

    public static UiText ValidationExclusiveMinimum(double minimum, double actual) =>
        Error(MessageIds.ValidationExclusiveMinimum, $"must be > {GoStyleFormat.Number(minimum)} but found {GoStyleFormat.Number(actual)}",
            new JsonObject { ["minimum"] = minimum, ["actual"] = actual });

    public static UiText ValidationMaximum(double maximum, double actual) =>
        Error(MessageIds.ValidationMaximum, $"must be <= {GoStyleFormat.Number(maximum)} but found {GoStyleFormat.Number(actual)}",
            new JsonObject { ["maximum"] = maximum, ["actual"] = actual });

    public static UiText ValidationExclusiveMaximum(double maximum, double actual) =>
        Error(MessageIds.ValidationExclusiveMaximum, $"must be < {GoStyleFormat.Number(maximum)} but found {GoStyleFormat.Number(actual)}",
            new JsonObject { ["maximum"] = maximum, ["actual"] = actual });

    public static UiText ValidationMultipleOf(double @base, double actual) =>
        Error(MessageIds.ValidationMultipleOf, $"{GoStyleFormat.Number(actual)} not multipleOf {GoStyleFormat.Number(@base)}",
            new JsonObject { ["base"] = @base, ["actual"] = actual });

    public static UiText ValidationMaxItems(int maxItems, int actualItems) =>
        Error(MessageIds.ValidationMaxItems, $"maximum {maxItems} items allowed, but found {actualItems} items",
            new JsonObject { ["max_items"] = maxItems, ["actual_items"] = actualItems });

    public static UiText ValidationMinItems(int minItems, int actualItems) =>
        Error(MessageIds.ValidationMinItems, $"minimum {minItems} items allowed, but found {actualItems} items",
            new JsonObject { ["min_items"] = minItems, ["actual_items"] = actualItems });

    public static UiText ValidationUniqueItems(int indexA, int indexB) =>
        Error(MessageIds.ValidationUniqueItems, $"items at index {indexA} and {indexB} are equal",
            new JsonObject { ["index_a"] = indexA, ["index_b"] = indexB });

    public static UiText ValidationWrongType(IReadOnlyList<string> allowedTypes, string actualType) =>
        Error(MessageIds.ValidationWrongType, $"expected {string.Join(" or ", allowedTypes)}, but got {actualType}",
            new JsonObject { ["allowed_types"] = StringArray(allowedTypes), ["actual_type"] = actualType });

    /// <summary>4000029: the value differs from <c>const</c>; <paramref name="expected"/> is the constant as written in the text.</summary>
    public static UiText ValidationConst(string expected) =>
        Error(MessageIds.ValidationConst, $"must be equal to constant {expected}", new JsonObject { ["expected"] = expected });

    public static UiText ValidationConstGeneric() => Error(MessageIds.ValidationConstGeneric, "const failed");

    public static UiText ValidationEmail(string value) =>
        Error(MessageIds.ValidationEmail, "Enter a valid email address", new JsonObject { ["value"] = value });

    public static UiText ValidationPhone(string value) =>
        Error(MessageIds.ValidationPhone, "Enter a valid phone number", new JsonObject { ["value"] = value });

    public static UiText PasswordPolicyViolation(string reason) =>
        Error(MessageIds.ValidationPasswordPolicyViolation, $"The password can not be used because {reason}.",
            new JsonObject { ["reason"] = reason });

    public static UiText PasswordIdentifierTooSimilar() =>
        Error(MessageIds.ValidationPasswordIdentifierTooSimilar,
            "The password can not be used because it is too similar to the identifier.");

    public static UiText PasswordMinLength(int minLength, int actualLength) =>
        Error(MessageIds.ValidationPasswordMinLength,
            $"The password must be at least {minLength} characters long, but got {actualLength}.",
            new JsonObject { ["min_length"] = minLength, ["actual_length"] = actualLength });

    public static UiText PasswordMaxLength(int maxLength, int actualLength) =>
        Error(MessageIds.ValidationPasswordMaxLength,
            $"The password must be at most {maxLength} characters long, but got {actualLength}.",
            new JsonObject { ["max_length"] = maxLength, ["actual_length"] = actualLength });

    public static UiText PasswordNewSameAsOld() =>
        Error(MessageIds.ValidationPasswordNewSameAsOld, "The new password must be different from the old password.");

    public static UiText PasswordTooManyBreaches(long breaches) =>
        Error(MessageIds.ValidationPasswordTooManyBreaches,
            "The password has been found in data breaches and must no longer be used.",
            new JsonObject { ["breaches"] = breaches });

    public static UiText InvalidCredentials() =>
        Error(MessageIds.ValidationInvalidCredentials,
            "The provided credentials are invalid, check for spelling mistakes in your password or username, email address, or phone number.");

    public static UiText AccountNotFound() =>
        Error(MessageIds.ValidationAccountNotFound, "This account does not exist or has no login method configured.");

    public static UiText DuplicateCredentials() =>
        Error(MessageIds.ValidationDuplicateCredentials,
            "An account with the same identifier (email, phone, username, ...) exists already.");

    public static UiText DuplicateCredentialsWithHints(IReadOnlyList<string> availableCredentialTypes,
        IReadOnlyList<string> availableOidcProviders, string credentialIdentifierHint)
    {
        var identifier = credentialIdentifierHint.Length == 0 ? "an email, phone, or username" : credentialIdentifierHint;
        var reason = $"You tried signing in with {identifier} which is already in use by another account.";

        if (availableCredentialTypes.Count > 0)
        {
            var readable = availableCredentialTypes.Select(HumanCredentialName).OfType<string>().ToList();
            if (readable.Count == 0)
            {
                readable.AddRange(availableCredentialTypes);
            }
            readable = readable.Distinct().ToList();
            if (readable.Count > 1)
            {
                readable[^1] = "or " + readable[^1];
            }
            reason += $" You can sign in using {string.Join(", ", readable)}.";
        }

        if (availableOidcProviders.Count > 0)
        {
            // Provider ids are title-cased for display unless they are templates.
            var providers = availableOidcProviders.Select(p =>
                p.IndexOfAny(['{', '}']) >= 0 ? p : CultureInfo.InvariantCulture.TextInfo.ToTitleCase(p.ToLowerInvariant()));
            reason += $" You can sign in using one of the following social sign in providers: {string.Join(", ", providers)}.";
        }

        return Error(MessageIds.ValidationDuplicateCredentialsWithHints, reason, new JsonObject
        {
            ["available_credential_types"] = StringArray(availableCredentialTypes),
            ["available_oidc_providers"] = StringArray(availableOidcProviders),
            ["credential_identifier_hint"] = credentialIdentifierHint,
        });
    }

    private static string? HumanCredentialName(string type) => type switch
    {
        "password" => "your password",
        "oidc" or "saml" => "social sign in",
        "webauthn" => "your passkey or a security key",
        "passkey" => "your passkey",
        _ => null,
    };

    public static UiText DuplicateCredentialsOnOidcLink() =>
        Error(MessageIds.ValidationDuplicateCredentialsOnOidcLink,
            "An account with the same identifier (email, phone, username, ...) exists already. Please sign in to your existing account to link your social profile.");

    public static UiText TotpVerifierWrong() =>
        Error(MessageIds.ValidationTotpVerifierWrong, "The provided authentication code is invalid, please try again.");

    public static UiText WebAuthnVerifierWrong() =>
        Error(MessageIds.ValidationWebAuthnVerifierWrong, "The provided web authn login is invalid, please try again.");

    public static UiText DeviceAuthnVerifierWrong() =>
        Error(MessageIds.ValidationDeviceAuthnVerifierWrong, "The provided DeviceAuthn signature is invalid.");

    public static UiText DeviceAuthnRelaxedAttestationNoLongerValid() =>
        Error(MessageIds.ValidationDeviceAuthnRelaxedAttestationNoLongerValid,
            "This DeviceAuthn key can no longer be used because relaxed attestation is expired or disabled. Please enroll your device again.");

    public static UiText DeviceAuthnKeyReenrollmentRequired() =>
        Error(MessageIds.ValidationDeviceAuthnKeyReenrollmentRequired,
            "This DeviceAuthn key was enrolled before user verification was introduced and can no longer be used. Please enroll your device again.");

    public static UiText LookupAlreadyUsed() =>
        Error(MessageIds.ValidationLookupAlreadyUsed, "This backup recovery code has already been used.");

    public static UiText LookupInvalid() => Error(MessageIds.ValidationLookupInvalid, "The backup recovery code is not valid.");

    public static UiText IdentifierMissing() =>
        Error(MessageIds.ValidationIdentifierMissing,
            "Could not find any login identifiers. Did you forget to set them? This could also be caused by a server misconfiguration.");

    public static UiText AddressNotVerified() =>
        Error(MessageIds.ValidationAddressNotVerified, "Account not active yet. Did you forget to verify your email address?");

    public static UiText NoTotpDevice() => Error(MessageIds.ValidationNoTotpDevice, "You have no TOTP device set up.");

    public static UiText NoLookup() => Error(MessageIds.ValidationNoLookup, "You have no backup recovery codes set up.");

    public static UiText NoWebAuthnDevice() => Error(MessageIds.ValidationNoWebAuthnDevice, "You have no WebAuthn device set up.");

    public static UiText NoWebAuthnUser() =>
        Error(MessageIds.ValidationNoWebAuthnUser, "This account does not exist or has no security key set up.");

    public static UiText NoDeviceAuthnDevice() =>
        Error(MessageIds.ValidationNoDeviceAuthnDevice, "You have no DeviceAuthn device set up.");

    /// <summary>4000035: no account with sign-in by code exists for the address.</summary>
    public static UiText NoCodeUser() =>
        Error(MessageIds.ValidationNoCodeUser, "This account does not exist or has not setup sign in with code.");

    public static UiText TraitsMismatch() =>
        Error(MessageIds.ValidationTraitsMismatch,
            "The provided traits do not match the traits previously associated with this flow.");

    public static UiText CaptchaFailed() =>
        Error(MessageIds.ValidationCaptchaError, "Captcha verification failed, please try again.");
}
