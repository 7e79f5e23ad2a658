using System.Text.Json.Nodes;

namespace IdentityServer.Text;

public static partial class Messages
{
    public static UiText RecoverySuccessful(DateTimeOffset privilegedSessionExpiresAt, DateTimeOffset now) =>
        Success(MessageIds.RecoverySuccessful,
            $"You successfully recovered your account. Please change your password or set up an alternative login method (e.g. social sign in) within the next {GoStyleFormat.Minutes(privilegedSessionExpiresAt - now)} minutes.",
            new JsonObject
            {
                ["privilegedSessionExpiresAt"] = GoStyleFormat.Timestamp(privilegedSessionExpiresAt),
                ["privileged_session_expires_at"] = GoStyleFormat.Timestamp(privilegedSessionExpiresAt),
                ["privileged_session_expires_at_unix"] = privilegedSessionExpiresAt.ToUnixTimeSeconds(),
            });

    public static UiText RecoveryEmailSent() =>
        Info(MessageIds.RecoveryEmailSent,
            "An email containing a recovery link has been sent to the email address you provided. If you have not received an email, check the spelling of the address and make sure to use the address you registered with.");

    public static UiText RecoveryEmailWithCodeSent() =>
        Info(MessageIds.RecoveryEmailWithCodeSent,
            "An email containing a recovery code has been sent to the email address you provided. If you have not received an email, check the spelling of the address and make sure to use the address you registered with.");

    public static UiText RecoveryMaskedWithCodeSent(string maskedAddress) =>
        Info(MessageIds.RecoveryMaskedWithCodeSent,
            $"A recovery code has been sent to {maskedAddress}. If you have not received it, check the spelling of the address and make sure to use the address you registered with.",
            new JsonObject { ["masked_address"] = maskedAddress });

    public static UiText RecoveryAskForFullAddress() =>
        Info(MessageIds.RecoveryAskForFullAddress,
            "Recover access to your account by providing your recovery address in full.");

    public static UiText RecoveryAskToChooseAddress() =>
        Info(MessageIds.RecoveryAskToChooseAddress, "How do you want to recover your account?");

    public static UiText RecoveryBack() => Info(MessageIds.RecoveryBack, "Back");

    public static UiText RecoveryFlowExpired(DateTimeOffset expiredAt, DateTimeOffset now) =>
        FlowExpired(MessageIds.RecoveryFlowExpired, "recovery", expiredAt, now);

    public static UiText RecoveryTokenInvalidOrAlreadyUsed() =>
        Error(MessageIds.RecoveryTokenInvalidOrAlreadyUsed,
            "The recovery token is invalid or has already been used. Please retry the flow.");

    public static UiText RecoveryCodeInvalidOrAlreadyUsed() =>
        Error(MessageIds.RecoveryCodeInvalidOrAlreadyUsed,
            "The recovery code is invalid or has already been used. Please try again.");

    public static UiText RecoveryRetrySuccess() => Error(MessageIds.RecoveryRetrySuccess, RetrySuccessText);

    public static UiText RecoveryStateFailure() =>
        Error(MessageIds.RecoveryStateFailure, "The recovery flow reached a failure state and must be retried.");
}
