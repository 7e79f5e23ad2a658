using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Errors;
using IdentityServer.Identities;
using IdentityServer.Persistence;
using IdentityServer.SelfService.Flows.Verification;
using IdentityServer.SelfService.Hooks;
using IdentityServer.Sessions;
using IdentityServer.Text;

namespace IdentityServer.SelfService.Flows.Settings;

/// <summary>
/// The settings flow: a signed-in identity changes its profile or password, for browsers and native
/// apps. A flow belongs to one identity; the session must satisfy `required_aal`, and changes to
/// credentials need a recent sign-in (`privileged_session_max_age`).
/// </summary>
public sealed class SettingsFlows(
    ConfigStore configStore, FlowFactory factory, FlowLoader loader, FlowStore store, FlowResponder responder,
    IEnumerable<ISettingsStrategy> strategies, HookRunner hooks, ISessionService sessions, IdentityManager identities,
    IIdentitySchemas schemas, PendingSettingsUpdates pending, AppDbContext db, IEnumerable<IVerificationSender> verificationSenders)
{
    /// <summary>Hooks that act on the saved change; the others run before saving and may refuse it.</summary>
    private static readonly HashSet<string> HooksAfterSaving = ["revoke_active_sessions", "show_verification_ui"];

    private KratosConfig Config => configStore.Current;
    private SettingsFlowOptions Options => Config.SelfService.Flows.Settings;

    public async Task InitAsync(HttpContext http, string type, CancellationToken ct)
    {
        var browser = type == FlowTypes.Browser && FlowResponder.Redirects(http, null);
        var current = await sessions.CurrentAsync(http, ct);
        if (current is null)
        {
            if (!browser) throw SessionErrors.NoActiveSession();
            var login = PublicUrls.Combine(PublicUrls.BaseUrl(Config, http), "/self-service/login/browser");
            var returnTo = http.Request.Query["return_to"].ToString();
            await FlowResponder.RedirectAsync(http, returnTo.Length > 0 ? PublicUrls.WithQuery(login, "return_to", returnTo) : login);
            return;
        }
        var identity = await LoadIdentityAsync(current, ct);
        if (AalError(http, current, identity, type == FlowTypes.Browser && http.Request.Query.ContainsKey("return_to") ? RequestUrl(http) : null) is { } aal)
        {
            if (browser) await FlowResponder.RedirectAsync(http, aal.Extra["redirect_browser_to"]!.GetValue<string>());
            else throw aal;
            return;
        }
        var flow = await CreateAsync(http, identity, type, ReturnToPolicy.Check(Config, http, http.Request.Query["return_to"]), ct);
        await responder.FlowCreatedAsync(http, flow, IdentityView(identity));
    }

    /// <summary>Creates and stores a settings flow for the identity (also used when recovery opens one).</summary>
    public async Task<FlowRecord> CreateAsync(HttpContext http, Identity identity, string type, string? returnTo, CancellationToken ct)
    {
        var (flow, _) = await factory.CreateAsync(http,
            new FlowFactory.Options(FlowKinds.Settings, type, returnTo, IdentityId: identity.Id, SchemaId: identity.SchemaId),
            (f, ui) => PopulateAsync(f, identity, ui, ct), ct);
        return flow;
    }

    private async Task PopulateAsync(FlowRecord flow, Identity identity, UiContainer ui, CancellationToken ct)
    {
        foreach (var strategy in strategies.Where(s => s.IsEnabled(Config)))
            await strategy.PopulateAsync(flow, identity, ui, ct);
    }

    /// <summary>`GET /self-service/settings/flows?id=`: only the flow's own identity may read it.</summary>
    public async Task GetAsync(HttpContext http, CancellationToken ct)
    {
        if (!Guid.TryParse(http.Request.Query["id"], out var id) || await store.FindAsync(id, FlowKinds.Settings, ct) is not { } flow)
            throw FlowErrors.FlowNotFound();
        var current = await sessions.CurrentAsync(http, ct) ?? throw SessionErrors.NoActiveSession();
        if (flow.IdentityId != current.IdentityId)
            throw SettingsErrors.FetchedBySomeoneElse();
        var identity = await LoadIdentityAsync(current, ct);
        if (AalError(http, current, identity, responder.FlowUiUrl(flow)) is { } aal)
            throw aal;
        if (loader.IsExpired(flow))
            throw FlowLoader.ExpiredOnFetch(Config, http, flow);
        await FlowResponder.JsonAsync(http, 200, FlowJson.Render(flow, IdentityView(identity)));
    }

    /// <summary>
    /// `POST /self-service/settings?flow=` submits a change; `GET` (a browser back from signing in again)
    /// finishes the change that waited for it.
    /// </summary>
    public async Task SubmitAsync(HttpContext http, CancellationToken ct)
    {
        var flow = await loader.LoadForSubmitAsync(http, FlowKinds.Settings, ct);
        http.Items[typeof(FlowRecord)] = flow;
        var current = await sessions.CurrentAsync(http, ct);
        if (current is null)
        {
            if (!FlowResponder.Redirects(http, flow)) throw SessionErrors.NoActiveSession();
            await FlowResponder.RedirectAsync(http, Config.SelfService.Flows.Login.UiUrl);
            return;
        }
        var identity = await LoadIdentityAsync(current, ct);
        if (AalError(http, current, identity, RequestUrl(http)) is { } aal)
        {
            if (FlowResponder.Redirects(http, flow)) await FlowResponder.RedirectAsync(http, aal.Extra["redirect_browser_to"]!.GetValue<string>());
            else throw aal;
            return;
        }
        if (loader.IsExpired(flow))
        {
            var fresh = await CreateAsync(http, identity, flow.Type, flow.ReturnTo, ct);
            var freshUi = UiContainer.Parse(fresh.Ui);
            await responder.ReplaceExpiredAsync(http, flow, fresh, freshUi, Messages.SettingsFlowExpired, ct);
            return;
        }
        if (flow.IdentityId != current.IdentityId)
            throw SettingsErrors.SubmittedBySomeoneElse();

        JsonObject body;
        if (HttpMethods.IsGet(http.Request.Method))
        {
            var waiting = FlowResponder.Redirects(http, flow) ? pending.Take(http, flow) : null;
            if (waiting is null)
            {
                await store.UpdateAsync(flow, UiContainer.Parse(flow.Ui), ct);
                await responder.FlowCreatedAsync(http, flow, IdentityView(identity));
                return;
            }
            body = waiting;
        }
        else
        {
            body = await FlowBody.ReadAsync(http.Request, ct);
            loader.CheckRequestOrigin(http, flow, body[CsrfTokens.FieldName] is JsonValue v && v.TryGetValue<string>(out var t) ? t : null);
            PendingSettingsUpdates.Forget(flow);
        }
        await UpdateAsync(http, flow, identity, current, body, ct);
    }

    private async Task UpdateAsync(HttpContext http, FlowRecord flow, Identity identity, CurrentSession current, JsonObject body, CancellationToken ct)
    {
        var identityBefore = IdentityView(identity);
        var ui = UiContainer.Parse(flow.Ui);
        ui.ResetMessages();
        var submission = new FlowSubmission { Http = http, Flow = flow, Ui = ui, Body = body, Config = Config };
        var method = FlowBody.String(body, "method");
        try
        {
            var strategy = strategies.FirstOrDefault(s => s.Method == method && s.IsEnabled(Config))
                ?? throw submission.Fail(Messages.SettingsNoStrategyFound());
            var context = new SettingsContext(identity, current, IsPrivileged(current));
            HookContext hookContext;
            try
            {
                hookContext = await ApplyAndSaveAsync(submission, strategy, context, ct);
            }
            catch
            {
                // Nothing of a refused change may be written along with the flow's messages.
                db.ChangeTracker.Clear();
                throw;
            }
            await FinishAsync(submission, strategy, identity, hookContext, ct);
        }
        catch (PrivilegedSessionRequiredException)
        {
            var baseUrl = PublicUrls.BaseUrl(Config, http);
            var login = PublicUrls.Combine(baseUrl, "/self-service/login/browser?refresh=true&return_to=" + Uri.EscapeDataString(RequestUrl(http)));
            if (flow.Type == FlowTypes.Browser) pending.Pause(http, flow, body);
            flow.State = "show_form";
            await store.UpdateAsync(flow, ui, ct);
            if (flow.Type == FlowTypes.Api || FlowResponder.WantsJson(http))
                await FlowResponder.ErrorJsonAsync(http, SettingsErrors.NeedsPrivilegedSession(login));
            else
                await FlowResponder.RedirectAsync(http, login);
        }
        catch (FlowValidationException failure)
        {
            failure.Flow.State = "show_form";
            await responder.ValidationFailedAsync(http, failure, ct, identityBefore);
        }
    }

    /// <summary>The strategy's change, verification messages, hooks that may refuse it, and one save with the flow.</summary>
    private async Task<HookContext> ApplyAndSaveAsync(FlowSubmission submission, ISettingsStrategy strategy, SettingsContext context, CancellationToken ct)
    {
        var identity = context.Identity;
        var flow = submission.Flow;
        var addressesBefore = identity.VerifiableAddresses.Select(a => a.Id).ToHashSet();
        await strategy.UpdateAsync(submission, context, ct);

        // A new or changed address starts unverified; when verification is on, its message is queued
        // in this unit of work so that it is written with the change.
        var added = identity.VerifiableAddresses.Where(a => !addressesBefore.Contains(a.Id)).ToList();
        if (added.Count > 0 && Config.SelfService.Flows.Verification.Enabled)
        {
            foreach (var sender in verificationSenders)
                await sender.SendAsync(submission.Http, identity, added, ct);
        }

        var hookContext = new HookContext
        {
            Http = submission.Http, Flow = flow, Method = strategy.Method, Identity = identity, Config = Config,
            AuthenticationMethods = context.Session.Methods, ExistingSessionId = context.Session.Id,
        };
        var beforeSaving = HookRunner.AfterHooks(Options.After, strategy.Method).Where(h => !HooksAfterSaving.Contains(h.Hook)).ToList();
        var refused = await hooks.RunAsync(beforeSaving, hookContext, ct);
        if (refused.Interrupted)
            throw submission.Fail([.. refused.Messages]);

        // The form shows the saved state with Kratos's success message.
        var form = new UiContainer { Action = submission.Ui.Action, Method = "POST" };
        await PopulateAsync(flow, identity, form, ct);
        form.SetCsrf(flow.CsrfToken, first: true);
        form.AddMessage(Messages.SettingsUpdateSuccess());
        flow.State = "success";
        flow.Active = strategy.Method;
        flow.Ui = form.ToJsonString();
        flow.UpdatedAt = store.Now;
        try
        {
            await identities.SaveChangesAsync(ct);
        }
        catch (KratosError e) when (e.Code == 409)
        {
            throw submission.Fail(Messages.DuplicateCredentials());
        }
        return hookContext;
    }

    private async Task FinishAsync(FlowSubmission submission, ISettingsStrategy strategy, Identity identity, HookContext hookContext, CancellationToken ct)
    {
        var http = submission.Http;
        var flow = submission.Flow;
        var afterSaving = HookRunner.AfterHooks(Options.After, strategy.Method).Where(h => HooksAfterSaving.Contains(h.Hook)).ToList();
        await hooks.RunAsync(afterSaving, hookContext, ct);

        var target = hookContext.RedirectBrowserTo ?? flow.ReturnTo ?? Options.After.ReturnUrlFor(strategy.Method) ?? responder.FlowUiUrl(flow);
        var json = FlowJson.Render(flow, IdentityView(identity));
        var continueWith = new JsonArray(hookContext.ContinueWith.Select(c => (JsonNode)c.DeepClone()).ToArray());
        if (flow.Type == FlowTypes.Browser)
            continueWith.Add(new JsonObject { ["action"] = "redirect_browser_to", ["redirect_browser_to"] = target });
        if (continueWith.Count > 0)
            json["continue_with"] = continueWith;
        await responder.SucceededAsync(http, flow, json, target);
    }

    private bool IsPrivileged(CurrentSession session) =>
        session.AuthenticatedAt + Options.PrivilegedSessionMaxAge > store.Now;

    /// <summary>403 session_aal2_required when the session lacks a second factor the identity has and the config asks for it.</summary>
    private FlowError? AalError(HttpContext http, CurrentSession session, Identity identity, string? returnTo) =>
        RequiredAal.IsSatisfied(session.Aal, AvailableAal.Of(identity.Credentials, Config.SelfService.Methods.Code.MfaEnabled), Options.RequiredAal)
            ? null
            : RequiredAal.Aal2Required(PublicUrls.BaseUrl(Config, http), returnTo);

    private async Task<Identity> LoadIdentityAsync(CurrentSession session, CancellationToken ct) =>
        await identities.FindAsync(session.IdentityId, ct) ?? throw SessionErrors.NoActiveSession();

    private JsonObject IdentityView(Identity identity) =>
        IdentityJson.Render(identity, schemas.PublicUrl(identity.SchemaId), withCredentials: false, [], withAdminMetadata: false);

    private string RequestUrl(HttpContext http) =>
        PublicUrls.Combine(PublicUrls.BaseUrl(Config, http), http.Request.Path + http.Request.QueryString);
}
