using System.Text.Json.Nodes;

namespace IdentityServer.Text;

public static partial class Messages
{
    public static UiText Login() => Info(MessageIds.Login, "Sign in");

    public static UiText LoginWith(string provider, string providerId) =>
        Info(MessageIds.LoginWith, $"Sign in with {provider}",
            new JsonObject { ["provider"] = provider, ["provider_id"] = providerId });

    public static UiText LoginReAuth() =>
        Info(MessageIds.LoginReAuth, "Please confirm this action by verifying that it is you.");

    public static UiText LoginMfa() =>
        Info(MessageIds.LoginMfa, "Please complete the second authentication challenge.");

    public static UiText LoginVerify() => Info(MessageIds.LoginVerify, "Verify");

    public static UiText LoginTotpLabel() => Info(MessageIds.LoginTotpLabel, "Authentication code");

    public static UiText LoginLookupLabel() => Info(MessageIds.LoginLookupLabel, "Backup recovery code");

    public static UiText LoginWebAuthn() => Info(MessageIds.LoginWebAuthn, "Sign in with a hardware key");

    public static UiText LoginTotp() => Info(MessageIds.LoginTotp, "Use Authenticator");

    public static UiText LoginLookup() => Info(MessageIds.LoginLookup, "Use backup recovery code");

    public static UiText LoginContinueWebAuthn() =>
        Info(MessageIds.LoginContinueWebAuthn, "Sign in with a hardware key");

    public static UiText LoginWebAuthnPasswordless() =>
        Info(MessageIds.LoginWebAuthnPasswordless,
            "Prepare your WebAuthn device (e.g. security key, biometrics scanner, ...) and press continue.");

    public static UiText LoginContinue() => Info(MessageIds.LoginContinue, "Continue");

    public static UiText LoginCodeSent() =>
        Info(MessageIds.LoginCodeSent,
            "A code was sent to the address you provided. If you didn't receive it, please check the spelling of the address and try again.");

    public static UiText LoginCode() => Info(MessageIds.LoginCode, "Send sign in code");

    public static UiText LoginLink(string duplicateIdentifier, string provider, string newLoginUrl,
        IReadOnlyList<string> availableCredentialTypes, IReadOnlyList<string> availableProviders)
    {
        var id = GoStyleFormat.Quote(duplicateIdentifier);
        var text =
            $"You tried to sign in with {id}, but that email is already used by another account. Sign in to your account with one of the options below to add your account {id} at {GoStyleFormat.Quote(provider)} as another way to sign in.";
        return Info(MessageIds.LoginLink, text, new JsonObject
        {
            ["duplicateIdentifier"] = duplicateIdentifier,
            ["provider"] = provider,
            ["newLoginUrl"] = newLoginUrl,
            ["duplicate_identifier"] = duplicateIdentifier,
            ["new_login_url"] = newLoginUrl,
            ["available_credential_types"] = StringArray(availableCredentialTypes),
            ["available_providers"] = StringArray(availableProviders),
        });
    }

    public static UiText LoginAndLink() => Info(MessageIds.LoginAndLink, "Sign in and link");

    public static UiText LoginWithAndLink(string provider) =>
        Info(MessageIds.LoginWithAndLink, $"Confirm with {provider}", new JsonObject { ["provider"] = provider });

    public static UiText LoginCodeMfa() => Info(MessageIds.LoginCodeMfa, "Request code to continue");

    public static UiText LoginPasskey() => Info(MessageIds.LoginPasskey, "Sign in with passkey");

    public static UiText LoginPassword() => Info(MessageIds.LoginPassword, "Sign in with password");

    public static UiText LoginAal2CodeAddress(string channel, string address) =>
        Info(MessageIds.LoginAal2CodeAddress, $"Send code to {address}",
            new JsonObject { ["address"] = address, ["channel"] = channel });

    public static UiText LoginDeviceAuthn() => Info(MessageIds.LoginDeviceAuthn, "Sign in with a hardware key");

    public static UiText LoginCodeSentForAuthenticatedUser() =>
        Info(MessageIds.LoginCodeSentForAuthenticatedUser,
            "A code was sent to your address. If you didn't receive it, please try again.");

    public static UiText LoginFlowExpired(DateTimeOffset expiredAt, DateTimeOffset now) =>
        FlowExpired(MessageIds.LoginFlowExpired, "login", expiredAt, now);

    /// <summary>4010002: no login method matched the submitted form.</summary>
    public static UiText MissingOrInvalidMethod() =>
        Error(MessageIds.LoginNoStrategyFound,
            "Could not find a strategy to log you in with. Did you fill out the form correctly?");

    public static UiText RegistrationNoStrategyFound() =>
        Error(MessageIds.RegistrationNoStrategyFound,
            "Could not find a strategy to sign you up with. Did you fill out the form correctly?");

    public static UiText SettingsNoStrategyFound() =>
        Error(MessageIds.SettingsNoStrategyFound,
            "Could not find a strategy to update your settings. Did you fill out the form correctly?");

    public static UiText RecoveryNoStrategyFound() =>
        Error(MessageIds.RecoveryNoStrategyFound,
            "Could not find a strategy to recover your account with. Did you fill out the form correctly?");

    public static UiText VerificationNoStrategyFound() =>
        Error(MessageIds.VerificationNoStrategyFound,
            "Could not find a strategy to verify your account with. Did you fill out the form correctly?");

    public static UiText LoginRetrySuccess() => Error(MessageIds.LoginRetrySuccess, RetrySuccessText);

    public static UiText LoginCodeInvalidOrAlreadyUsed() =>
        Error(MessageIds.LoginCodeInvalidOrAlreadyUsed,
            "The login code is invalid or has already been used. Please try again.");

    public static UiText LoginLinkedCredentialsDoNotMatch() =>
        Error(MessageIds.LoginLinkedCredentialsDoNotMatch, "Linked credentials do not match.");

    public static UiText LoginAddressUnknown() =>
        Error(MessageIds.LoginAddressUnknown,
            "The address you entered does not match any known addresses in the current account.");

    public static UiText IdentityDisabled() =>
        Error(MessageIds.IdentityDisabled, "This account has been disabled. Please contact support for assistance.");
}
