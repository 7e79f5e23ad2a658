using System.Text.Json.Nodes;

namespace IdentityServer.Text;

public static partial class Messages
{
    public static UiText Registration() => Info(MessageIds.Registration, "Sign up");

    public static UiText RegistrationWith(string provider, string providerId) =>
        Info(MessageIds.RegistrationWith, $"Sign up with {provider}",
            new JsonObject { ["provider"] = provider, ["provider_id"] = providerId });

    public static UiText RegistrationContinue() => Info(MessageIds.RegistrationContinue, "Continue");

    public static UiText RegistrationRegisterWebAuthn() =>
        Info(MessageIds.RegistrationRegisterWebAuthn, "Sign up with security key");

    public static UiText RegistrationEmailWithCodeSent() =>
        Info(MessageIds.RegistrationEmailWithCodeSent,
            "A code has been sent to the address(es) you provided. If you have not received a message, check the spelling of the address and retry the registration.");

    public static UiText RegistrationRegisterCode() => Info(MessageIds.RegistrationRegisterCode, "Send sign up code");

    public static UiText RegistrationRegisterPasskey() =>
        Info(MessageIds.RegistrationRegisterPasskey, "Sign up with passkey");

    public static UiText RegistrationBack() => Info(MessageIds.RegistrationBack, "Back");

    public static UiText RegistrationChooseCredentials() =>
        Info(MessageIds.RegistrationChooseCredentials, "Please choose a credential to authenticate yourself with.");

    public static UiText RegistrationFlowExpired(DateTimeOffset expiredAt, DateTimeOffset now) =>
        FlowExpired(MessageIds.RegistrationFlowExpired, "registration", expiredAt, now);

    public static UiText RegistrationRetrySuccess() => Error(MessageIds.RegistrationRetrySuccess, RetrySuccessText);

    public static UiText RegistrationCodeInvalidOrAlreadyUsed() =>
        Error(MessageIds.RegistrationCodeInvalidOrAlreadyUsed,
            "The registration code is invalid or has already been used. Please try again.");
}
