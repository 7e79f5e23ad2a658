using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Identities;
using IdentityServer.SelfService.Hooks;
using IdentityServer.SelfService.Strategies.IdentifierFirst;
using IdentityServer.Sessions;
using IdentityServer.Text;

namespace IdentityServer.SelfService.Flows.Login;

/// <summary>The login flow: create, fetch and submit, for browsers and native apps.</summary>
public sealed class LoginFlows(
    ConfigStore configStore, FlowFactory factory, FlowLoader loader, FlowStore store, FlowResponder responder,
    IEnumerable<ILoginStrategy> strategies, HookRunner hooks, ISessionService sessions, IdentityManager identities,
    IdentifierFirstLogin identifierFirst)
{
    private KratosConfig Config => configStore.Current;

    public async Task InitAsync(HttpContext http, string type, CancellationToken ct)
    {
        var query = http.Request.Query;
        var refresh = string.Equals(query["refresh"], "true", StringComparison.OrdinalIgnoreCase);
        var aal = string.IsNullOrEmpty(query["aal"]) ? "aal1" : query["aal"].ToString();
        if (aal is not ("aal1" or "aal2" or "aal3"))
            throw Errors.KratosError.BadRequest($"Unable to parse the aal query parameter: \"{aal}\" is not one of aal1, aal2, aal3.");

        var current = await sessions.CurrentAsync(http, ct);
        if (aal != "aal1" && current is null)
            throw FlowErrors.Aal1Required();
        // As in Kratos, there is nothing to refresh without a session.
        refresh = refresh && current is not null;
        var returnTo = ReturnToPolicy.Check(Config, http, query["return_to"]);
        if (current is not null && !refresh && string.CompareOrdinal(aal, current.Aal) <= 0)
        {
            if (type == FlowTypes.Browser && FlowResponder.Redirects(http, null))
            {
                await FlowResponder.RedirectAsync(http, returnTo ?? ReturnToPolicy.DefaultReturnUrl(Config, http).ToString());
                return;
            }
            throw FlowErrors.AlreadyLoggedIn(FlowKinds.Login);
        }

        Guid? organization = Guid.TryParse(query["organization"], out var org) ? org : null;
        var (flow, _) = await factory.CreateAsync(http, new FlowFactory.Options(FlowKinds.Login, type, returnTo, refresh, aal, organization),
            (f, ui) => PopulateAsync(f, ui, current, ct), ct);
        await responder.FlowCreatedAsync(http, flow);
    }

    /// <summary>
    /// The form of a new login flow: a refresh asks the signed-in identity to confirm it is them (message 1010003),
    /// the identifier_first style starts with the identifier alone, else every method shows its inputs.
    /// </summary>
    private async Task PopulateAsync(FlowRecord flow, UiContainer ui, CurrentSession? current, CancellationToken ct)
    {
        var methods = strategies.Where(s => s.IsEnabled(Config)).ToList();
        ui.SetCsrf("", first: true);
        var firstFactor = flow.RequestedAal == "aal1";
        if (firstFactor && flow.Refresh && current is not null && await identities.FindAsync(current.IdentityId, ct) is { } identity)
        {
            foreach (var method in methods)
                await method.PopulateRefreshAsync(flow, ui, identity, ct);
        }
        else if (firstFactor && IdentifierFirstLogin.IsEnabled(Config))
        {
            foreach (var method in methods)
                await method.PopulateIdentifierFirstAsync(flow, ui, ct);
            await identifierFirst.PopulateFirstScreenAsync(flow, ui, ct);
        }
        else
        {
            foreach (var method in methods)
                await method.PopulateAsync(flow, ui, ct);
        }
        if (flow.Refresh)
            ui.Messages = [Messages.LoginReAuth()];
        if (current is not null && string.CompareOrdinal(flow.RequestedAal, current.Aal) > 0)
            ui.AddMessage(Messages.LoginMfa());
        NodeOrder.SortLogin(ui);
    }

    public async Task GetAsync(HttpContext http, CancellationToken ct)
    {
        var flow = await loader.FetchAsync(http, FlowKinds.Login, http.Request.Query["id"], ct);
        await FlowResponder.JsonAsync(http, 200, FlowJson.Render(flow));
    }

    public async Task SubmitAsync(HttpContext http, CancellationToken ct)
    {
        var flow = await loader.LoadForSubmitAsync(http, FlowKinds.Login, ct);
        http.Items[typeof(FlowRecord)] = flow;
        var body = await FlowBody.ReadAsync(http.Request, ct);
        loader.CheckRequestOrigin(http, flow, body[CsrfTokens.FieldName] is JsonValue v && v.TryGetValue<string>(out var t) ? t : null);

        var current = await sessions.CurrentAsync(http, ct);
        if (loader.IsExpired(flow))
        {
            var (fresh, freshUi) = await factory.CreateAsync(http,
                new FlowFactory.Options(FlowKinds.Login, flow.Type, flow.ReturnTo, flow.Refresh && current is not null, flow.RequestedAal, flow.OrganizationId),
                (f, ui) => PopulateAsync(f, ui, current, ct), ct);
            await responder.ReplaceExpiredAsync(http, flow, fresh, freshUi, Messages.LoginFlowExpired, ct);
            return;
        }

        if (current is not null && !flow.Refresh && string.CompareOrdinal(flow.RequestedAal, current.Aal) <= 0)
        {
            if (FlowResponder.Redirects(http, flow))
            {
                await FlowResponder.RedirectAsync(http, flow.ReturnTo ?? ReturnToPolicy.DefaultReturnUrl(Config, http).ToString());
                return;
            }
            throw FlowErrors.AlreadyLoggedIn(FlowKinds.Login);
        }

        var ui = UiContainer.Parse(flow.Ui);
        ui.ResetMessages();
        var submission = new FlowSubmission { Http = http, Flow = flow, Ui = ui, Body = body, Config = Config };
        if (IdentifierFirstLogin.Claims(Config, flow, body))
        {
            await identifierFirst.SubmitAsync(submission, [.. strategies.Where(s => s.IsEnabled(Config))], ct);
            await responder.ShowFormAsync(http, flow, ui, ct);
            return;
        }
        var method = FlowBody.String(body, "method");
        var strategy = strategies.FirstOrDefault(s => s.Accepts(method, body) && s.IsEnabled(Config))
            ?? throw submission.Fail(Messages.MissingOrInvalidMethod());
        var outcome = await strategy.LoginAsync(submission, ct);
        if (outcome.Identity.State != IdentityStates.Active)
            throw submission.Fail(Messages.IdentityDisabled());

        var after = Config.SelfService.Flows.Login.After;
        var context = new HookContext
        {
            Http = http, Flow = flow, Method = strategy.Method, Identity = outcome.Identity,
            AuthenticationMethods = [outcome.Method], Config = Config,
        };
        // A login always issues a session; a `session` entry in the login hooks is redundant, as in Kratos.
        var configured = HookRunner.AfterHooks(after, strategy.Method).Where(h => h.Hook != "session").ToList();
        var result = await hooks.RunAsync(configured, context, ct);
        if (result.Interrupted)
            throw submission.Fail([.. result.Messages]);

        JsonObject sessionJson;
        string? token = null;
        // A refresh or a second factor (aal2) completes the session the request already has.
        if (current is not null && current.IdentityId == outcome.Identity.Id)
        {
            sessionJson = await sessions.ExtendWithAsync(current.Id, [outcome.Method], http, ct);
            token = flow.Type == FlowTypes.Api ? SentSessionToken(http) : null;
        }
        else
        {
            var issued = await sessions.IssueAsync(outcome.Identity, [outcome.Method], http, ct);
            if (flow.Type == FlowTypes.Browser) sessions.SetCookie(http, issued);
            context.Session = issued;
            sessionJson = issued.Session;
            token = issued.Token;
        }

        flow.State = "passed_challenge";
        flow.Active = strategy.Method;
        await store.UpdateAsync(flow, ui, ct);

        var target = FlowCompletion.BrowserTarget(Config, flow, after, strategy.Method, context.RedirectBrowserTo);
        var response = new JsonObject { ["session"] = sessionJson.DeepClone() };
        if (flow.Type == FlowTypes.Api && token is not null) response["session_token"] = token;
        response["continue_with"] = FlowCompletion.ContinueWith(flow, flow.Type == FlowTypes.Api ? context.Session : null, context.ContinueWith, target);
        await responder.SucceededAsync(http, flow, response, target);
    }

    private static string? SentSessionToken(HttpContext http)
    {
        var header = http.Request.Headers["X-Session-Token"].ToString();
        if (header.Length > 0) return header;
        var auth = http.Request.Headers.Authorization.ToString();
        return auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth["Bearer ".Length..].Trim() : null;
    }
}
