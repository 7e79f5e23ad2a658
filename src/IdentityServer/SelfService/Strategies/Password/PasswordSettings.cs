using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Identities;
using IdentityServer.Security.Hashing;
using IdentityServer.SelfService.Flows;
using IdentityServer.SelfService.Flows.Settings;
using IdentityServer.Text;

namespace IdentityServer.SelfService.Strategies.Password;

/// <summary>
/// Sets or changes the password in the settings flow, with the same policy as registration. The new
/// hash replaces the old one; it always needs a privileged session.
/// </summary>
public sealed class PasswordSettings(IdentityManager identities, PasswordPolicy policy, PasswordCheck passwords) : ISettingsStrategy
{
    public string Method => "password";

    public bool IsEnabled(KratosConfig config) => config.SelfService.Methods.Password.Enabled;

    public Task PopulateAsync(FlowRecord flow, Identity identity, UiContainer ui, CancellationToken ct)
    {
        ui.Upsert(UiNode.Input("password", UiNodeGroups.Password, "password", required: true, autocomplete: "new-password",
            label: Messages.NodeLabelPassword()));
        ui.Upsert(UiNode.Input("method", UiNodeGroups.Password, "submit", JsonValue.Create(Method), label: Messages.NodeLabelSave()));
        return Task.CompletedTask;
    }

    public async Task UpdateAsync(FlowSubmission submission, SettingsContext context, CancellationToken ct)
    {
        if (!context.Privileged)
            throw new PrivilegedSessionRequiredException();
        var password = FlowBody.String(submission.Body, "password") ?? "";
        if (password.Length == 0)
            throw Fail(submission, Messages.ValidationRequired("password"));

        var identity = context.Identity;
        var credential = identity.Credentials.FirstOrDefault(c => c.Type == "password");
        var oldHash = credential is null ? null : JsonNode.Parse(credential.Config)?["hashed_password"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(oldHash) && passwords.Verifier.Verify(password, oldHash).Valid)
            throw Fail(submission, Messages.PasswordNewSameAsOld());

        var identifier = credential?.Identifiers.Select(i => i.Identifier).Order(StringComparer.Ordinal).FirstOrDefault() ?? "";
        if (await policy.CheckAsync(submission.Config.SelfService.Methods.Password.Config, identifier, password, ct) is { } problem)
            throw Fail(submission, problem);

        var traits = JsonNode.Parse(identity.Traits) as JsonObject ?? new JsonObject();
        try
        {
            await identities.ApplyAsync(identity, new IdentityDraft { SchemaId = identity.SchemaId, Traits = traits, Password = password }, ct);
        }
        catch (PasswordTooLongException)
        {
            throw Fail(submission, Messages.PasswordMaxLength(72, System.Text.Encoding.UTF8.GetByteCount(password)));
        }
    }

    private static FlowValidationException Fail(FlowSubmission submission, UiText message)
    {
        submission.Ui.Find("password", UiNodeGroups.Password)?.Messages.Add(message);
        return submission.Fail();
    }
}
