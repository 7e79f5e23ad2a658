using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Courier;
using IdentityServer.Errors;
using IdentityServer.Identities;
using IdentityServer.Persistence;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.SelfService.Flows.Verification;

/// <summary>A verification flow started for an address by <see cref="VerificationSender.SendAsync"/>.</summary>
public sealed record StartedVerification(FlowRecord Flow, string Address, string? UiUrl);

/// <summary>
/// Sends verification messages: for an address someone typed into a verification flow, and for the
/// addresses of an identity that was just registered or changed (one new flow per address). Flows,
/// secrets and courier messages are only added to the request's unit of work: the caller's
/// SaveChanges writes them together with the change that caused them.
/// </summary>
public sealed class VerificationSender(
    ConfigStore configStore, AppDbContext db, OneTimeSecrets secrets, IEnumerable<IVerificationStrategy> strategies,
    IServiceProvider services, IIdentitySchemas schemas, IdentityManager identities, CsrfTokens csrf, FlowStore store,
    ILogger<VerificationSender> log) : IVerificationSender
{
    // Resolved when a message is sent, so that flows which send nothing do not depend on the courier.
    private ICourierOutbox Outbox => services.GetRequiredService<ICourierOutbox>();

    /// <summary>The flows <see cref="SendAsync"/> started during this request, in address order.</summary>
    public List<StartedVerification> Started { get; } = [];

    /// <summary>The method new verification flows use; a configuration that names a disabled method is an error that says so.</summary>
    public IVerificationStrategy Active(KratosConfig config)
    {
        var use = config.SelfService.Flows.Verification.Use;
        var strategy = strategies.FirstOrDefault(s => s.Method == use)
            ?? throw new KratosError(500, KratosError.DefaultMessage(500), reason:
                $"selfservice.flows.verification.use is \"{use}\", which is not a verification method (use code or link).");
        if (!strategy.IsEnabled(config))
            throw new KratosError(500, KratosError.DefaultMessage(500), reason:
                $"selfservice.flows.verification.use is \"{use}\" but selfservice.methods.{use}.enabled is false: enable the method or change use.");
        return strategy;
    }

    /// <summary>The method a flow was started with, even if the configuration changed since.</summary>
    public IVerificationStrategy For(FlowRecord flow, KratosConfig config) =>
        strategies.FirstOrDefault(s => s.Method == flow.Active) ?? Active(config);

    public async Task SendAsync(HttpContext http, Identity identity, IReadOnlyList<IdentityVerifiableAddress> addresses, CancellationToken ct)
    {
        var config = configStore.Current;
        var pending = addresses.Where(a => !a.Verified && a.Value.Length > 0).ToList();
        if (!config.SelfService.Flows.Verification.Enabled)
        {
            if (pending.Count > 0)
                log.LogInformation("No verification message was sent to the addresses of identity {IdentityId}: verification is disabled " +
                    "(set selfservice.flows.verification.enabled: true to send one).", identity.Id);
            return;
        }
        if (identity.VerifiableAddresses.Count == 0)
        {
            log.LogWarning("No verification message was sent for identity {IdentityId}: its identity schema ({SchemaId}) marks no trait as " +
                "a verifiable address. Add \"ory.sh/kratos\": {{ \"verification\": {{ \"via\": \"email\" }} }} to the email trait.",
                identity.Id, identity.SchemaId);
            return;
        }
        if (pending.Count == 0) return;

        var strategy = Active(config);
        if (string.IsNullOrEmpty(config.Courier.Smtp.ConnectionUri) && config.Courier.DeliveryStrategy == "smtp" && pending.Any(a => a.Via == "email"))
            log.LogWarning("Verification messages for identity {IdentityId} are queued, but courier.smtp.connection_uri is not set: " +
                "they stay in the outbox until an SMTP server is configured.", identity.Id);

        var origin = http.Items[typeof(FlowRecord)] as FlowRecord;
        foreach (var address in pending)
        {
            if (strategy.Method == OneTimeSecrets.Link && address.Via != "email")
            {
                log.LogWarning("No verification link was sent to the {Via} address of identity {IdentityId}: links go by email only; " +
                    "use selfservice.flows.verification.use: code to verify phone numbers.", address.Via, identity.Id);
                continue;
            }
            var (flow, ui) = NewFlow(http, config, origin, strategy);
            flow.IdentityId = identity.Id;
            strategy.PopulateSent(config, ui, address.Value, address.Via);
            await QueueAsync(http, config, strategy, flow, identity, address, new JsonObject(), ct);
            flow.Ui = ui.ToJsonString();
            flow.CreatedAt = flow.UpdatedAt = flow.IssuedAt;
            db.Add(flow);
            var uiUrl = flow.Type == FlowTypes.Browser
                ? PublicUrls.WithQuery(config.SelfService.Flows.Verification.UiUrl, "flow", flow.Id.ToString())
                : null;
            Started.Add(new StartedVerification(flow, address.Value, uiUrl));
            log.LogInformation("Queued a verification {Method} for a {Via} address of identity {IdentityId} (verification flow {FlowId}).",
                strategy.Method, address.Via, identity.Id, flow.Id);
        }
    }

    /// <summary>
    /// Sends the secret for an address typed into <paramref name="flow"/>. An unknown address gets the
    /// "invalid" template when `notify_unknown_recipients` is on and nothing otherwise; either way the
    /// caller answers the same. Returns false when the text cannot be an address at all.
    /// </summary>
    public async Task<bool> SendForFlowAsync(HttpContext http, FlowRecord flow, IVerificationStrategy strategy, string raw,
        JsonObject transientPayload, CancellationToken ct)
    {
        var config = configStore.Current;
        var value = AddressFlows.Normalize(raw, out var via);
        if (value is null || (strategy.Method == OneTimeSecrets.Link && via != "email")) return false;

        var address = await db.IdentityVerifiableAddresses.SingleOrDefaultAsync(a => a.Via == via && a.Value == value, ct);
        if (address is null)
        {
            db.RemoveRange(await db.Set<VerificationSecret>().Where(s => s.FlowId == flow.Id).ToListAsync(ct));
            var notify = config.SelfService.Flows.Verification.NotifyUnknownRecipients && via == "email";
            log.LogInformation("Verification was requested for an unknown {Via} address (flow {FlowId}); notified: {Notified}.", via, flow.Id, notify);
            if (notify)
            {
                var data = new JsonObject { ["To"] = value, ["RequestURL"] = flow.RequestUrl, ["TransientPayload"] = transientPayload };
                await Outbox.QueueAsync(new OutgoingMessage(strategy.Template(knownAddress: false), via, value, data), ct);
            }
            return true;
        }
        var identity = await identities.FindAsync(address.IdentityId, ct)
            ?? throw new InvalidOperationException("A verifiable address without its identity.");
        await QueueAsync(http, config, strategy, flow, identity, address, transientPayload, ct);
        return true;
    }

    private async Task QueueAsync(HttpContext http, KratosConfig config, IVerificationStrategy strategy, FlowRecord flow,
        Identity identity, IdentityVerifiableAddress address, JsonObject transientPayload, CancellationToken ct)
    {
        var now = secrets.Now;
        var lifespan = strategy.Lifespan(config);
        var secret = strategy.Method == OneTimeSecrets.Code ? OneTimeSecrets.NewCode() : OneTimeSecrets.NewToken();
        await secrets.ReplaceAsync(flow.Id, new VerificationSecret
        {
            Id = Guid.NewGuid(), FlowId = flow.Id, AddressId = address.Id, Method = strategy.Method,
            Hash = secrets.Hash(secret), ExpiresAt = now + lifespan, CreatedAt = now,
        }, ct);

        var link = AddressFlows.Link(config, http, FlowKinds.Verification, flow.Id, strategy.Method, secret);
        var data = new JsonObject
        {
            ["To"] = address.Value,
            ["Identity"] = IdentityJson.Render(identity, schemas.PublicUrl(identity.SchemaId), false, [], true),
            ["RequestURL"] = flow.RequestUrl,
            ["TransientPayload"] = transientPayload.DeepClone(),
            ["ExpiresInMinutes"] = (int)lifespan.TotalMinutes,
        };
        strategy.AddSecret(data, link, secret);
        await Outbox.QueueAsync(new OutgoingMessage(strategy.Template(knownAddress: true), address.Via, address.Value, data), ct);

        // An address just added to a tracked identity (a profile change) becomes known to the context
        // only when changes are detected; one that is really detached is attached as stored.
        db.ChangeTracker.DetectChanges();
        if (db.Entry(address).State == EntityState.Detached) db.Attach(address);
        address.Status = "sent";
        address.UpdatedAt = now;
    }

    /// <summary>
    /// A verification flow that continues another flow (registration, settings): it takes that flow's
    /// type, request URL and return_to (or its `after_verification_return_to`), and runs no before hooks.
    /// </summary>
    private (FlowRecord Flow, UiContainer Ui) NewFlow(HttpContext http, KratosConfig config, FlowRecord? origin, IVerificationStrategy strategy)
    {
        var now = store.Now;
        var type = origin?.Type ?? FlowTypes.Browser;
        var baseUrl = PublicUrls.BaseUrl(config, http);
        var requestUrl = origin?.RequestUrl ?? PublicUrls.Combine(baseUrl, http.Request.Path + http.Request.QueryString);
        var flow = new FlowRecord
        {
            Id = Guid.NewGuid(),
            Kind = FlowKinds.Verification,
            Type = type,
            IssuedAt = now,
            ExpiresAt = now + config.SelfService.Flows.Verification.Lifespan,
            RequestUrl = requestUrl,
            ReturnTo = AfterVerificationReturnTo(config, http, requestUrl) ?? origin?.ReturnTo,
            State = AddressFlows.SentEmail,
            Active = strategy.Method,
            IdentitySchemaId = config.Identity.DefaultSchemaId,
            CsrfToken = type == FlowTypes.Browser ? csrf.IssueMasked(http) : "",
        };
        var ui = new UiContainer { Action = PublicUrls.Combine(baseUrl, $"/self-service/verification?flow={flow.Id}"), Method = "POST" };
        ui.SetCsrf(flow.CsrfToken, first: true);
        return (flow, ui);
    }

    private static string? AfterVerificationReturnTo(KratosConfig config, HttpContext http, string requestUrl)
    {
        if (!Uri.TryCreate(requestUrl, UriKind.Absolute, out var uri)) return null;
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query);
        if (!query.TryGetValue("after_verification_return_to", out var requested) || string.IsNullOrEmpty(requested)) return null;
        try
        {
            return ReturnToPolicy.Check(config, http, requested);
        }
        catch (KratosError)
        {
            // Not an allowed return URL: the flow falls back to its default.
            return null;
        }
    }
}
