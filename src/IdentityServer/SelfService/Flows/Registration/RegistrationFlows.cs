using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Errors;
using IdentityServer.Identities;
using IdentityServer.Identities.Schemas;
using IdentityServer.SelfService.Hooks;
using IdentityServer.SelfService.Strategies.Profile;
using IdentityServer.Sessions;
using IdentityServer.Text;

namespace IdentityServer.SelfService.Flows.Registration;

/// <summary>The registration flow: create, fetch and submit, for browsers and native apps.</summary>
public sealed class RegistrationFlows(
    ConfigStore configStore, FlowFactory factory, FlowLoader loader, FlowStore store, FlowResponder responder,
    IEnumerable<IRegistrationStrategy> strategies, HookRunner hooks, ISessionService sessions,
    IdentityManager identities, IIdentitySchemas schemas, IdentitySchemaRegistry schemaRegistry, ProfileRegistration profile)
{
    private KratosConfig Config => configStore.Current;

    public async Task InitAsync(HttpContext http, string type, CancellationToken ct)
    {
        if (!Config.SelfService.Flows.Registration.Enabled)
            throw FlowErrors.RegistrationDisabled();
        var returnTo = ReturnToPolicy.Check(Config, http, http.Request.Query["return_to"]);
        if (await sessions.CurrentAsync(http, ct) is not null)
        {
            if (type == FlowTypes.Browser && FlowResponder.Redirects(http, null))
            {
                await FlowResponder.RedirectAsync(http, returnTo ?? ReturnToPolicy.DefaultReturnUrl(Config, http).ToString());
                return;
            }
            throw FlowErrors.AlreadyLoggedIn(FlowKinds.Registration);
        }
        Guid? organization = Guid.TryParse(http.Request.Query["organization"], out var org) ? org : null;
        var (flow, _) = await factory.CreateAsync(http, new FlowFactory.Options(FlowKinds.Registration, type, returnTo, OrganizationId: organization),
            (f, ui) => PopulateAsync(f, ui, ct), ct);
        await responder.FlowCreatedAsync(http, flow);
    }

    /// <summary>The form of a new flow: the profile screen of two-step registration, or every method's inputs at once.</summary>
    private async Task PopulateAsync(FlowRecord flow, UiContainer ui, CancellationToken ct)
    {
        var methods = strategies.Where(s => s.IsEnabled(Config)).ToList();
        ui.SetCsrf("", first: true);
        if (ProfileRegistration.IsTwoStep(Config))
        {
            await profile.PopulateProfileScreenAsync(flow, ui, methods, null, ct);
            return;
        }
        foreach (var method in methods)
            await method.PopulateAsync(flow, ui, ct);
        NodeOrder.SortRegistration(ui, (await schemaRegistry.GetAsync(flow.IdentitySchemaId, ct)).Document);
    }

    public async Task GetAsync(HttpContext http, CancellationToken ct)
    {
        var flow = await loader.FetchAsync(http, FlowKinds.Registration, http.Request.Query["id"], ct);
        await FlowResponder.JsonAsync(http, 200, FlowJson.Render(flow));
    }

    public async Task SubmitAsync(HttpContext http, CancellationToken ct)
    {
        var flow = await loader.LoadForSubmitAsync(http, FlowKinds.Registration, ct);
        http.Items[typeof(FlowRecord)] = flow;
        var body = await FlowBody.ReadAsync(http.Request, ct);
        loader.CheckRequestOrigin(http, flow, body[CsrfTokens.FieldName] is JsonValue v && v.TryGetValue<string>(out var t) ? t : null);

        if (loader.IsExpired(flow))
        {
            var (fresh, freshUi) = await factory.CreateAsync(http,
                new FlowFactory.Options(FlowKinds.Registration, flow.Type, flow.ReturnTo, OrganizationId: flow.OrganizationId),
                (f, ui) => PopulateAsync(f, ui, ct), ct);
            await responder.ReplaceExpiredAsync(http, flow, fresh, freshUi, Messages.RegistrationFlowExpired, ct);
            return;
        }

        if (await sessions.CurrentAsync(http, ct) is not null)
        {
            if (FlowResponder.Redirects(http, flow))
            {
                await FlowResponder.RedirectAsync(http, flow.ReturnTo ?? ReturnToPolicy.DefaultReturnUrl(Config, http).ToString());
                return;
            }
            // Kratos answers this one as an error, not on the flow's form.
            await ErrorHandling.WriteAsync(http, FlowErrors.AlreadyLoggedIn(FlowKinds.Registration));
            return;
        }

        var ui = UiContainer.Parse(flow.Ui);
        ui.ResetMessages();
        var submission = new FlowSubmission { Http = http, Flow = flow, Ui = ui, Body = body, Config = Config };
        if (ProfileRegistration.Claims(Config, body))
        {
            await profile.SubmitAsync(submission, [.. strategies.Where(s => s.IsEnabled(Config))], ct);
            await responder.ShowFormAsync(http, flow, ui, ct);
            return;
        }
        var method = FlowBody.String(body, "method");
        var strategy = strategies.FirstOrDefault(s => s.Method == method && s.IsEnabled(Config))
            ?? throw submission.Fail(Messages.RegistrationNoStrategyFound());
        var (identity, authMethod) = await strategy.RegisterAsync(submission, ct);

        var after = Config.SelfService.Flows.Registration.After;
        var context = new HookContext
        {
            Http = http, Flow = flow, Method = strategy.Method, Identity = identity,
            AuthenticationMethods = [authMethod], Config = Config,
        };
        HookResult result;
        try
        {
            result = await hooks.RunAsync(VerificationHook.Implicit(Config, HookRunner.AfterHooks(after, strategy.Method)), context, ct);
        }
        catch
        {
            await identities.DeleteAsync(identity, CancellationToken.None);
            throw;
        }
        if (result.Interrupted)
        {
            // A hook refused the registration: nothing of it may remain.
            await identities.DeleteAsync(identity, ct);
            throw submission.Fail([.. result.Messages]);
        }

        flow.State = "passed_challenge";
        flow.Active = strategy.Method;
        await store.UpdateAsync(flow, ui, ct);

        var target = FlowCompletion.BrowserTarget(Config, flow, after, strategy.Method, context.RedirectBrowserTo);
        var response = new JsonObject
        {
            ["identity"] = IdentityJson.Render(identity, schemas.PublicUrl(identity.SchemaId), false, [], false),
        };
        if (context.Session is not null)
        {
            response["session"] = context.Session.Session.DeepClone();
            if (flow.Type == FlowTypes.Api) response["session_token"] = context.Session.Token;
        }
        response["continue_with"] = FlowCompletion.ContinueWith(flow, flow.Type == FlowTypes.Api ? context.Session : null, context.ContinueWith, target);
        await responder.SucceededAsync(http, flow, response, target);
    }
}
