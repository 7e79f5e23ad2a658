using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Courier;
using IdentityServer.Errors;
using IdentityServer.Identities;
using IdentityServer.Identities.Schemas;
using IdentityServer.SelfService.Flows;

namespace IdentityServer.SelfService.Strategies.Code;

/// <summary>
/// Queues the messages that carry login and registration codes, with Kratos's template types and
/// template models (`login_code_valid`: To, LoginCode, Identity, ...; `registration_code_valid`: To,
/// RegistrationCode, Traits, ...), so that Kratos templates render unchanged.
/// </summary>
public sealed class LoginCodeMessages(ConfigStore config, IIdentitySchemas schemas, ICourierOutbox outbox)
{
    public const string LoginTemplate = "login_code_valid";
    public const string RegistrationTemplate = "registration_code_valid";

    private int ExpiresInMinutes => (int)config.Current.SelfService.Methods.Code.Config.Lifespan.TotalMinutes;

    public async Task QueueLoginAsync(FlowRecord flow, Identity identity,
        IEnumerable<(CodeAddress Target, string Code)> codes, JsonObject transientPayload, CancellationToken ct)
    {
        var identityJson = IdentityJson.Render(identity, schemas.PublicUrl(identity.SchemaId), false, [], false);
        foreach (var (target, code) in codes)
        {
            var data = new JsonObject
            {
                ["To"] = target.Address,
                ["LoginCode"] = code,
                ["Identity"] = identityJson.DeepClone(),
                ["RequestURL"] = flow.RequestUrl,
                ["TransientPayload"] = transientPayload.DeepClone(),
                ["ExpiresInMinutes"] = ExpiresInMinutes,
            };
            if (target.Channel == AddressChannels.Sms) data["RequestURLDomain"] = RequestUrlDomain(flow.RequestUrl);
            await outbox.QueueAsync(new OutgoingMessage(LoginTemplate, Channel(target), target.Address, data), ct);
        }
    }

    public async Task QueueRegistrationAsync(FlowRecord flow, JsonObject traits,
        IEnumerable<(CodeAddress Target, string Code)> codes, JsonObject transientPayload, CancellationToken ct)
    {
        foreach (var (target, code) in codes)
        {
            // Kratos's email model names the traits `Traits`, its SMS model `Identity`; both are given.
            var data = new JsonObject
            {
                ["To"] = target.Address,
                ["RegistrationCode"] = code,
                ["Traits"] = traits.DeepClone(),
                ["Identity"] = traits.DeepClone(),
                ["RequestURL"] = flow.RequestUrl,
                ["TransientPayload"] = transientPayload.DeepClone(),
                ["ExpiresInMinutes"] = ExpiresInMinutes,
            };
            if (target.Channel == AddressChannels.Sms) data["RequestURLDomain"] = RequestUrlDomain(flow.RequestUrl);
            await outbox.QueueAsync(new OutgoingMessage(RegistrationTemplate, Channel(target), target.Address, data), ct);
        }
    }

    private static string Channel(CodeAddress target) => target.Channel == AddressChannels.Sms ? OutgoingMessage.Sms : OutgoingMessage.Email;

    private static string RequestUrlDomain(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host : "";
}
