using System.Text.Json.Nodes;

namespace IdentityServer.Text;

public static partial class Messages
{
    public static UiText SettingsUpdateSuccess() =>
        Success(MessageIds.SettingsUpdateSuccess, "Your changes have been saved!");

    public static UiText SettingsLinkOidc(string provider) =>
        Info(MessageIds.SettingsLinkOidc, $"Link {provider}", new JsonObject { ["provider"] = provider });

    public static UiText SettingsUnlinkOidc(string provider) =>
        Info(MessageIds.SettingsUnlinkOidc, $"Unlink {provider}", new JsonObject { ["provider"] = provider });

    public static UiText SettingsUnlinkTotp() => Info(MessageIds.SettingsUnlinkTotp, "Unlink TOTP Authenticator App");

    public static UiText SettingsTotpQrCode() => Info(MessageIds.SettingsTotpQrCode, "Authenticator app QR code");

    public static UiText SettingsTotpSecret(string secret) =>
        Info(MessageIds.SettingsTotpSecret, secret, new JsonObject { ["secret"] = secret });

    public static UiText SettingsTotpSecretLabel() =>
        Info(MessageIds.SettingsTotpSecretLabel,
            "This is your authenticator app secret. Use it if you can not scan the QR code.");

    public static UiText SettingsRevealLookup() => Info(MessageIds.SettingsRevealLookup, "Reveal backup recovery codes");

    public static UiText SettingsRegenerateLookup() =>
        Info(MessageIds.SettingsRegenerateLookup, "Generate new backup recovery codes");

    public static UiText SettingsDisableLookup() => Info(MessageIds.SettingsDisableLookup, "Disable this method");

    public static UiText SettingsLookupConfirm() => Info(MessageIds.SettingsLookupConfirm, "Confirm backup recovery codes");

    /// <param name="secrets">The codes as shown in the text.</param>
    /// <param name="raw">The structured form of the codes placed in the context.</param>
    public static UiText SettingsLookupSecretList(IReadOnlyList<string> secrets, JsonNode? raw) =>
        Info(MessageIds.SettingsLookupSecretList, string.Join(", ", secrets), new JsonObject { ["secrets"] = raw });

    public static UiText SettingsLookupSecret(string secret) =>
        Info(MessageIds.SettingsLookupSecret, secret, new JsonObject { ["secret"] = secret });

    public static UiText SettingsLookupSecretUsed(DateTimeOffset usedAt) =>
        Info(MessageIds.SettingsLookupSecretUsed, $"Secret was used at {GoStyleFormat.HumanTime(usedAt)}",
            new JsonObject
            {
                ["used_at"] = GoStyleFormat.Timestamp(usedAt),
                ["used_at_unix"] = usedAt.ToUnixTimeSeconds(),
            });

    public static UiText SettingsLookupSecretLabel() =>
        Info(MessageIds.SettingsLookupSecretLabel,
            "These are your back up recovery codes. Please keep them in a safe place!");

    public static UiText SettingsRegisterWebAuthn() => Info(MessageIds.SettingsRegisterWebAuthn, "Add security key");

    public static UiText SettingsRegisterPasskey() => Info(MessageIds.SettingsRegisterPasskey, "Add passkey");

    public static UiText SettingsRegisterWebAuthnDisplayName() =>
        Info(MessageIds.SettingsRegisterWebAuthnDisplayName, "Name of the security key");

    public static UiText SettingsRemoveWebAuthn(string displayName, DateTimeOffset addedAt) =>
        Info(MessageIds.SettingsRemoveWebAuthn, $"Remove security key \"{displayName}\"", AddedContext(displayName, addedAt));

    public static UiText SettingsRemovePasskey(string displayName, DateTimeOffset addedAt) =>
        Info(MessageIds.SettingsRemovePasskey, $"Remove passkey \"{displayName}\"", AddedContext(displayName, addedAt));

    public static UiText SettingsManagedByOrganization() =>
        Info(MessageIds.SettingsManagedByOrganization,
            "Your account is managed by your organization. To change these settings, contact your organization administrator.");

    public static UiText SettingsFlowExpired(DateTimeOffset expiredAt, DateTimeOffset now) =>
        FlowExpired(MessageIds.SettingsFlowExpired, "settings", expiredAt, now);

    public static UiText SettingsTooManyAddressChanges() =>
        Error(MessageIds.SettingsTooManyAddressChanges,
            "You can only change one address at a time. Please update each address separately.");

    private static JsonObject AddedContext(string displayName, DateTimeOffset addedAt) => new()
    {
        ["display_name"] = displayName,
        ["added_at"] = GoStyleFormat.Timestamp(addedAt),
        ["added_at_unix"] = addedAt.ToUnixTimeSeconds(),
    };
}
