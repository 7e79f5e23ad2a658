using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Courier;
using IdentityServer.Errors;
using IdentityServer.Identities;
using IdentityServer.Persistence;
using IdentityServer.SelfService.Flows.Settings;
using IdentityServer.SelfService.Hooks;
using IdentityServer.Sessions;
using IdentityServer.Text;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.SelfService.Flows.Recovery;

/// <summary>
/// The recovery flow: an address is submitted, a code or link goes out, and the code typed in or the
/// link opened signs the person in with a privileged session and opens a settings flow, where they
/// choose a new password.
/// </summary>
public sealed class RecoveryFlows(
    ConfigStore configStore, FlowFactory factory, FlowLoader loader, FlowStore store, FlowResponder responder, CsrfTokens csrf,
    IEnumerable<IRecoveryStrategy> strategies, OneTimeSecrets secrets, AppDbContext db, IdentityManager identities,
    IIdentitySchemas schemas, ISessionService sessions, HookRunner hooks, IServiceProvider services, ILogger<RecoveryFlows> log)
{
    private KratosConfig Config => configStore.Current;

    // Resolved when needed, so that flows which never get that far do not depend on these services.
    private ICourierOutbox Outbox => services.GetRequiredService<ICourierOutbox>();

    private ISettingsFlowOpener SettingsOpener => services.GetService<ISettingsFlowOpener>()
        ?? throw new KratosError(500, KratosError.DefaultMessage(500), reason: "Recovery needs the settings flow, which this server does not provide.");

    private void EnsureEnabled()
    {
        if (!Config.SelfService.Flows.Recovery.Enabled)
            throw KratosError.BadRequest("Recovery is not allowed because it was disabled.");
    }

    public static KratosError AlreadyLoggedIn() => new(400, "you are already logged in", "session_already_available",
        "A valid session was detected and thus recovery is not possible.");

    /// <summary>The method new recovery flows use; a configuration that names a disabled method is an error that says so.</summary>
    public IRecoveryStrategy Active()
    {
        var use = Config.SelfService.Flows.Recovery.Use;
        var strategy = strategies.FirstOrDefault(s => s.Method == use)
            ?? throw new KratosError(500, KratosError.DefaultMessage(500), reason:
                $"selfservice.flows.recovery.use is \"{use}\", which is not a recovery method (use code or link).");
        if (!strategy.IsEnabled(Config))
            throw new KratosError(500, KratosError.DefaultMessage(500), reason:
                $"selfservice.flows.recovery.use is \"{use}\" but selfservice.methods.{use}.enabled is false: enable the method or change use.");
        return strategy;
    }

    private IRecoveryStrategy For(FlowRecord flow) => strategies.FirstOrDefault(s => s.Method == flow.Active) ?? Active();

    public async Task InitAsync(HttpContext http, string type, CancellationToken ct)
    {
        EnsureEnabled();
        var returnTo = ReturnToPolicy.Check(Config, http, http.Request.Query["return_to"]);
        if (await sessions.CurrentAsync(http, ct) is not null)
        {
            if (type == FlowTypes.Browser && FlowResponder.Redirects(http, null))
            {
                await FlowResponder.RedirectAsync(http, returnTo ?? ReturnToPolicy.DefaultReturnUrl(Config, http).ToString());
                return;
            }
            throw AlreadyLoggedIn();
        }
        var (flow, _) = await CreateAsync(http, type, returnTo, ct);
        await responder.FlowCreatedAsync(http, flow);
    }

    private Task<(FlowRecord Flow, UiContainer Ui)> CreateAsync(HttpContext http, string type, string? returnTo, CancellationToken ct)
    {
        var strategy = Active();
        return factory.CreateAsync(http, new FlowFactory.Options(FlowKinds.Recovery, type, returnTo), (f, ui) =>
        {
            f.Active = strategy.Method;
            strategy.PopulateChooseMethod(ui);
            return Task.CompletedTask;
        }, ct);
    }

    public async Task GetAsync(HttpContext http, CancellationToken ct)
    {
        EnsureEnabled();
        var flow = await FetchAsync(http, http.Request.Query["id"], ct);
        await FlowResponder.JsonAsync(http, 200, FlowJson.Render(flow));
    }

    /// <summary>
    /// A flow as a UI reads it. A flow an administrator created is opened in a browser that never saw it,
    /// so it is bound to no CSRF cookie; every other browser flow needs its cookie.
    /// </summary>
    public async Task<FlowRecord> FetchAsync(HttpContext http, string? rawId, CancellationToken ct)
    {
        if (Guid.TryParse(rawId, out var id) && await store.FindAsync(id, FlowKinds.Recovery, ct) is { } found
            && await IsAdminFlowAsync(found, ct))
        {
            if (loader.IsExpired(found))
                throw FlowLoader.ExpiredOnFetch(Config, http, found);
            return found;
        }
        return await loader.FetchAsync(http, FlowKinds.Recovery, rawId, ct);
    }

    private async Task<bool> IsAdminFlowAsync(FlowRecord flow, CancellationToken ct) =>
        flow.CsrfToken.Length == 0 && flow.Type == FlowTypes.Browser
        && await db.Set<RecoverySecret>().AnyAsync(s => s.FlowId == flow.Id && s.IssuedByAdmin, ct);

    /// <summary>`POST /self-service/recovery` (an address or a code) and `GET` for links from messages.</summary>
    public async Task SubmitAsync(HttpContext http, CancellationToken ct)
    {
        var flow = await loader.LoadForSubmitAsync(http, FlowKinds.Recovery, ct);
        http.Items[typeof(FlowRecord)] = flow;
        var opened = HttpMethods.IsGet(http.Request.Method);
        var body = opened ? AddressFlows.QueryBody(http.Request.Query) : await FlowBody.ReadAsync(http.Request, ct);
        var strategy = For(flow);
        var secret = FlowBody.String(body, AddressFlows.SecretField(strategy.Method))?.Trim();
        if (opened && string.IsNullOrEmpty(secret))
        {
            await FlowResponder.RedirectAsync(http, responder.FlowUiUrl(flow));
            return;
        }
        if (!opened && !await IsAdminFlowAsync(flow, ct))
            loader.CheckRequestOrigin(http, flow, FlowBody.String(body, CsrfTokens.FieldName));

        if (loader.IsExpired(flow))
        {
            var (fresh, freshUi) = await CreateAsync(http, opened ? FlowTypes.Browser : flow.Type, flow.ReturnTo, ct);
            await responder.ReplaceExpiredAsync(http, flow, fresh, freshUi, Messages.RecoveryFlowExpired, ct, openedLink: opened);
            return;
        }

        var ui = UiContainer.Parse(flow.Ui);
        ui.ResetMessages();
        var submission = new FlowSubmission { Http = http, Flow = flow, Ui = ui, Body = body, Config = Config };
        var method = FlowBody.String(body, "method") ?? (string.IsNullOrEmpty(secret) ? null : strategy.Method);
        if (method != strategy.Method)
            throw submission.Fail(Messages.RecoveryNoStrategyFound());
        if (flow.State == AddressFlows.PassedChallenge)
        {
            await RetryAsync(http, opened ? FlowTypes.Browser : flow.Type, opened, Messages.RecoveryRetrySuccess(), ct);
            return;
        }

        if (!string.IsNullOrEmpty(secret))
        {
            if (strategy.Method == OneTimeSecrets.Code) await RedeemCodeAsync(submission, strategy, secret, ct);
            else await RedeemTokenAsync(submission, strategy, secret, opened, ct);
            return;
        }
        if (await sessions.CurrentAsync(http, ct) is not null)
        {
            if (FlowResponder.Redirects(http, flow))
            {
                await FlowResponder.RedirectAsync(http, flow.ReturnTo ?? ReturnToPolicy.DefaultReturnUrl(Config, http).ToString());
                return;
            }
            throw AlreadyLoggedIn();
        }
        await SendAsync(submission, strategy, ct);
    }

    /// <summary>
    /// Sends a code or link to a known recovery address. An unknown address gets the "invalid" template
    /// when `notify_unknown_recipients` is on; the answer is the same either way.
    /// </summary>
    private async Task SendAsync(FlowSubmission submission, IRecoveryStrategy strategy, CancellationToken ct)
    {
        var (http, flow, ui) = (submission.Http, submission.Flow, submission.Ui);
        var raw = FlowBody.String(submission.Body, "email")?.Trim();
        if (string.IsNullOrEmpty(raw))
        {
            AddressFlows.AddTo(ui, "email", Messages.ValidationRequired("email"));
            throw submission.Fail();
        }
        var transient = FlowBody.TransientPayload(submission.Body);
        var value = AddressFlows.Normalize(raw, out var via);
        if (value is null || (strategy.Method == OneTimeSecrets.Link && via != "email"))
        {
            ui.Find("email")?.SetValue(JsonValue.Create(raw));
            AddressFlows.AddTo(ui, "email", AddressFlows.InvalidAddress(via, raw));
            throw submission.Fail();
        }

        // Guesses count per flow: a new code starts where the earlier ones left off.
        var attempts = await secrets.AttemptsAsync<RecoverySecret>(flow.Id, ct);
        db.RemoveRange(await db.Set<RecoverySecret>().Where(s => s.FlowId == flow.Id).ToListAsync(ct));
        var address = await db.IdentityRecoveryAddresses.SingleOrDefaultAsync(a => a.Via == via && a.Value == value, ct);
        if (address is null)
        {
            var notify = Config.SelfService.Flows.Recovery.NotifyUnknownRecipients && via == "email";
            log.LogInformation("Recovery was requested for an unknown {Via} address (flow {FlowId}); notified: {Notified}.", via, flow.Id, notify);
            if (notify)
            {
                var data = new JsonObject { ["To"] = value, ["RequestURL"] = flow.RequestUrl, ["TransientPayload"] = transient };
                await Outbox.QueueAsync(new OutgoingMessage(strategy.Template(knownAddress: false), via, value, data), ct);
            }
        }
        else
        {
            var identity = await identities.FindAsync(address.IdentityId, ct)
                ?? throw new InvalidOperationException("A recovery address without its identity.");
            var lifespan = strategy.Lifespan(Config);
            var secret = Issue(flow.Id, identity.Id, address.Id, strategy.Method, lifespan, admin: false, attempts);
            var data = new JsonObject
            {
                ["To"] = address.Value,
                ["Identity"] = IdentityJson.Render(identity, schemas.PublicUrl(identity.SchemaId), false, [], true),
                ["RequestURL"] = flow.RequestUrl,
                ["TransientPayload"] = transient,
                ["ExpiresInMinutes"] = (int)lifespan.TotalMinutes,
            };
            strategy.AddSecret(data, AddressFlows.Link(Config, http, FlowKinds.Recovery, flow.Id, strategy.Method, secret), secret);
            await Outbox.QueueAsync(new OutgoingMessage(strategy.Template(knownAddress: true), address.Via, address.Value, data), ct);
        }

        strategy.PopulateSent(ui, raw);
        flow.State = AddressFlows.SentEmail;
        flow.Active = strategy.Method;
        await store.UpdateAsync(flow, ui, ct);
        await AddressFlows.AnswerWithFlowAsync(http, responder, flow);
    }

    /// <summary>Adds a new secret for the flow to the unit of work and returns it in clear text.</summary>
    public string Issue(Guid flowId, Guid identityId, Guid? addressId, string method, TimeSpan lifespan, bool admin, int attempts = 0)
    {
        var now = secrets.Now;
        var secret = method == OneTimeSecrets.Code ? OneTimeSecrets.NewCode() : OneTimeSecrets.NewToken();
        db.Add(new RecoverySecret
        {
            Id = Guid.NewGuid(), FlowId = flowId, IdentityId = identityId, AddressId = addressId, Method = method,
            IssuedByAdmin = admin, Hash = secrets.Hash(secret), ExpiresAt = now + lifespan, CreatedAt = now, Attempts = attempts,
        });
        return secret;
    }

    private async Task RedeemCodeAsync(FlowSubmission submission, IRecoveryStrategy strategy, string code, CancellationToken ct)
    {
        var (http, flow, ui) = (submission.Http, submission.Flow, submission.Ui);
        var use = await secrets.UseCodeAsync<RecoverySecret>(flow.Id, code, Config.SelfService.Methods.Code.Config.MaxSubmissions, ct);
        switch (use.Outcome)
        {
            case SecretOutcome.TooManyAttempts:
                throw submission.Fail(Messages.ValidationGeneric("The request was submitted too often. Please request another code."));
            case SecretOutcome.Invalid:
                // As in Kratos, a wrong code answers the flow with its message and status 200.
                ui.AddMessage(Messages.RecoveryCodeInvalidOrAlreadyUsed());
                await store.UpdateAsync(flow, ui, ct);
                await AddressFlows.AnswerWithFlowAsync(http, responder, flow);
                return;
        }
        await CompleteAsync(submission, strategy, use.Secret!, opened: false, ct);
    }

    private async Task RedeemTokenAsync(FlowSubmission submission, IRecoveryStrategy strategy, string token, bool opened, CancellationToken ct)
    {
        var used = await secrets.UseTokenAsync<RecoverySecret>(submission.Flow.Id, token, ct);
        if (used is null)
        {
            await RetryAsync(submission.Http, FlowTypes.Browser, opened, Messages.RecoveryTokenInvalidOrAlreadyUsed(), ct);
            return;
        }
        await CompleteAsync(submission, strategy, used, opened, ct);
    }

    /// <summary>The secret was right: a privileged session and a settings flow for the identity.</summary>
    private async Task CompleteAsync(FlowSubmission submission, IRecoveryStrategy strategy, RecoverySecret secret, bool opened, CancellationToken ct)
    {
        var (http, flow, ui) = (submission.Http, submission.Flow, submission.Ui);
        var identity = await identities.FindAsync(secret.IdentityId, ct);
        if (identity is null || identity.State != IdentityStates.Active)
        {
            var message = identity is null ? Messages.RecoveryCodeInvalidOrAlreadyUsed() : Messages.IdentityDisabled();
            if (opened)
            {
                await RetryAsync(http, FlowTypes.Browser, opened, message, ct);
                return;
            }
            throw submission.Fail(message);
        }

        var now = store.Now;
        if (!secret.IssuedByAdmin && secret.AddressId is { } addressId)
        {
            // Whoever received the message owns that address: it counts as verified too.
            var recovered = await db.IdentityRecoveryAddresses.AsNoTracking().Where(a => a.Id == addressId).Select(a => a.Value).SingleOrDefaultAsync(ct);
            foreach (var address in identity.VerifiableAddresses.Where(a => a.Value == recovered && !a.Verified))
            {
                address.Verified = true;
                address.Status = "completed";
                address.VerifiedAt = now;
                address.UpdatedAt = now;
            }
        }
        flow.State = AddressFlows.PassedChallenge;
        flow.Active = strategy.Method;
        flow.IdentityId = identity.Id;
        if (flow.Type == FlowTypes.Browser)
        {
            flow.CsrfToken = csrf.IssueMasked(http);
            ui.SetCsrf(flow.CsrfToken, first: true);
        }
        await store.UpdateAsync(flow, ui, ct);

        var settingsType = opened ? FlowTypes.Browser : flow.Type;
        var settings = await SettingsOpener.OpenAsync(http, identity, settingsType, strategy.SessionMethod, flow.ReturnTo, ct);
        var settingsUi = UiContainer.Parse(settings.Flow.Ui);
        if (settingsUi.Messages?.Any(m => m.Id == MessageIds.RecoverySuccessful) != true)
        {
            var until = new DateTimeOffset(now + Config.SelfService.Flows.Settings.PrivilegedSessionMaxAge, TimeSpan.Zero);
            settingsUi.AddMessage(Messages.RecoverySuccessful(until, new DateTimeOffset(now, TimeSpan.Zero)));
            await store.UpdateAsync(settings.Flow, settingsUi, ct);
        }

        var context = new HookContext
        {
            Http = http, Flow = flow, Method = strategy.Method, Identity = identity, Config = Config, Session = settings.Session,
            AuthenticationMethods = [new AuthenticationMethod(strategy.SessionMethod, "aal1", now)],
        };
        var result = await hooks.RunAsync(Config.SelfService.Flows.Recovery.After.Hooks, context, ct);
        if (result.Interrupted)
        {
            // A hook refused the recovery: the session it would have used ends here.
            await sessions.RevokeAsync(settings.Session.SessionId, ct);
            if (settingsType == FlowTypes.Browser) sessions.ClearCookie(http);
            throw submission.Fail([.. result.Messages]);
        }

        if (flow.Type == FlowTypes.Api && !opened)
        {
            var json = FlowJson.Render(flow);
            json["continue_with"] = new JsonArray(
                new JsonObject { ["action"] = "set_ory_session_token", ["ory_session_token"] = settings.Session.Token },
                new JsonObject
                {
                    ["action"] = "show_settings_ui",
                    ["flow"] = new JsonObject { ["id"] = settings.Flow.Id.ToString(), ["url"] = settings.UiUrl },
                });
            await FlowResponder.JsonAsync(http, 200, json);
            return;
        }
        if (opened) await FlowResponder.RedirectAsync(http, settings.UiUrl);
        else await responder.BrowserLocationAsync(http, settings.UiUrl);
    }

    /// <summary>The flow cannot go on: a new one carries the message (303 for browsers, 410 with use_flow_id for JSON).</summary>
    private async Task RetryAsync(HttpContext http, string type, bool opened, UiText message, CancellationToken ct)
    {
        var (fresh, ui) = await CreateAsync(http, type, null, ct);
        ui.AddMessage(message);
        await store.UpdateAsync(fresh, ui, ct);
        if (opened || FlowResponder.Redirects(http, fresh))
            await FlowResponder.RedirectAsync(http, responder.FlowUiUrl(fresh));
        else
            await ErrorHandling.WriteAsync(http, AddressFlows.Replaced(fresh.Id, message.Text));
    }
}
