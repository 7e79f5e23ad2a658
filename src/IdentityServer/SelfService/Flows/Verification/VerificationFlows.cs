using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Errors;
using IdentityServer.Identities;
using IdentityServer.Persistence;
using IdentityServer.SelfService.Hooks;
using IdentityServer.Text;
using Microsoft.EntityFrameworkCore;

namespace IdentityServer.SelfService.Flows.Verification;

/// <summary>
/// The verification flow: an address is submitted, a code or link goes out, and the code typed in or
/// the link opened marks the address verified. Browsers and native apps; a link works in any browser.
/// </summary>
public sealed class VerificationFlows(
    ConfigStore configStore, FlowFactory factory, FlowLoader loader, FlowStore store, FlowResponder responder, CsrfTokens csrf,
    VerificationSender sender, OneTimeSecrets secrets, AppDbContext db, IdentityManager identities, HookRunner hooks)
{
    private KratosConfig Config => configStore.Current;

    private void EnsureEnabled()
    {
        if (!Config.SelfService.Flows.Verification.Enabled)
            throw KratosError.BadRequest("Verification is not allowed because it was disabled.");
    }

    public async Task InitAsync(HttpContext http, string type, CancellationToken ct)
    {
        EnsureEnabled();
        var returnTo = ReturnToPolicy.Check(Config, http, http.Request.Query["return_to"]);
        var flow = await CreateAsync(http, type, returnTo, ct);
        await responder.FlowCreatedAsync(http, flow.Flow);
    }

    private Task<(FlowRecord Flow, UiContainer Ui)> CreateAsync(HttpContext http, string type, string? returnTo, CancellationToken ct)
    {
        var strategy = sender.Active(Config);
        return factory.CreateAsync(http, new FlowFactory.Options(FlowKinds.Verification, type, returnTo), (f, ui) =>
        {
            f.Active = strategy.Method;
            strategy.PopulateChooseMethod(Config, ui);
            return Task.CompletedTask;
        }, ct);
    }

    public async Task GetAsync(HttpContext http, CancellationToken ct)
    {
        EnsureEnabled();
        var flow = await loader.FetchAsync(http, FlowKinds.Verification, http.Request.Query["id"], ct);
        await FlowResponder.JsonAsync(http, 200, FlowJson.Render(flow));
    }

    /// <summary>`POST /self-service/verification` (an address, a code or a token) and `GET` for links from messages.</summary>
    public async Task SubmitAsync(HttpContext http, CancellationToken ct)
    {
        var flow = await loader.LoadForSubmitAsync(http, FlowKinds.Verification, ct);
        http.Items[typeof(FlowRecord)] = flow;
        // A link from a message is opened with GET, possibly in another browser: it carries its own proof.
        var opened = HttpMethods.IsGet(http.Request.Method);
        var body = opened ? AddressFlows.QueryBody(http.Request.Query) : await FlowBody.ReadAsync(http.Request, ct);
        var strategy = sender.For(flow, Config);
        var secret = FlowBody.String(body, AddressFlows.SecretField(strategy.Method))?.Trim();
        if (opened && string.IsNullOrEmpty(secret))
        {
            await FlowResponder.RedirectAsync(http, responder.FlowUiUrl(flow));
            return;
        }
        if (!opened)
            loader.CheckRequestOrigin(http, flow, FlowBody.String(body, CsrfTokens.FieldName));

        if (loader.IsExpired(flow))
        {
            var (fresh, freshUi) = await CreateAsync(http, opened ? FlowTypes.Browser : flow.Type, flow.ReturnTo, ct);
            await responder.ReplaceExpiredAsync(http, flow, fresh, freshUi, Messages.VerificationFlowExpired, ct, openedLink: opened);
            return;
        }

        var ui = UiContainer.Parse(flow.Ui);
        ui.ResetMessages();
        var submission = new FlowSubmission { Http = http, Flow = flow, Ui = ui, Body = body, Config = Config };
        var method = FlowBody.String(body, "method") ?? (string.IsNullOrEmpty(secret) ? null : strategy.Method);
        if (method != strategy.Method)
            throw submission.Fail(Messages.VerificationNoStrategyFound());
        if (flow.State == AddressFlows.PassedChallenge)
        {
            await RetryAsync(http, opened ? FlowTypes.Browser : flow.Type, opened, Messages.VerificationRetrySuccess(), ct);
            return;
        }

        if (string.IsNullOrEmpty(secret))
            await SendAsync(submission, strategy, ct);
        else if (strategy.Method == OneTimeSecrets.Code && opened)
            await FillInCodeAsync(http, flow, ui, secret, ct);
        else if (strategy.Method == OneTimeSecrets.Code)
            await RedeemCodeAsync(submission, strategy, secret, ct);
        else
            await RedeemTokenAsync(http, flow, strategy, secret, opened, ct);
    }

    private async Task SendAsync(FlowSubmission submission, IVerificationStrategy strategy, CancellationToken ct)
    {
        var (http, flow, ui) = (submission.Http, submission.Flow, submission.Ui);
        var raw = FlowBody.String(submission.Body, "email")?.Trim();
        if (string.IsNullOrEmpty(raw))
        {
            AddressFlows.AddTo(ui, "email", Messages.ValidationRequired("email"));
            throw submission.Fail();
        }
        var transient = FlowBody.TransientPayload(submission.Body);
        if (!await sender.SendForFlowAsync(http, flow, strategy, raw, transient, ct))
        {
            ui.Find("email")?.SetValue(JsonValue.Create(raw));
            AddressFlows.AddTo(ui, "email", AddressFlows.InvalidAddress(AddressFlows.ChannelOf(raw), raw));
            throw submission.Fail();
        }
        strategy.PopulateSent(Config, ui, raw, AddressFlows.ChannelOf(raw));
        flow.State = AddressFlows.SentEmail;
        flow.Active = strategy.Method;
        await store.UpdateAsync(flow, ui, ct);
        await AddressFlows.AnswerWithFlowAsync(http, responder, flow);
    }

    /// <summary>A code link opened: the code is filled into the form, which this browser may now read and submit.</summary>
    private async Task FillInCodeAsync(HttpContext http, FlowRecord flow, UiContainer ui, string code, CancellationToken ct)
    {
        ui.Find("code")?.SetValue(JsonValue.Create(code));
        if (flow.Type == FlowTypes.Browser)
        {
            flow.CsrfToken = csrf.IssueMasked(http);
            ui.SetCsrf(flow.CsrfToken, first: true);
        }
        await store.UpdateAsync(flow, ui, ct);
        await FlowResponder.RedirectAsync(http, responder.FlowUiUrl(flow));
    }

    private async Task RedeemCodeAsync(FlowSubmission submission, IVerificationStrategy strategy, string code, CancellationToken ct)
    {
        var (http, flow, ui) = (submission.Http, submission.Flow, submission.Ui);
        var use = await secrets.UseCodeAsync<VerificationSecret>(flow.Id, code, Config.SelfService.Methods.Code.Config.MaxSubmissions, ct);
        switch (use.Outcome)
        {
            case SecretOutcome.TooManyAttempts:
                throw submission.Fail(Messages.ValidationGeneric("The request was submitted too often. Please request another code."));
            case SecretOutcome.Invalid:
                // As in Kratos, a wrong code answers the flow with its message and status 200.
                ui.AddMessage(Messages.VerificationCodeInvalidOrAlreadyUsed());
                await store.UpdateAsync(flow, ui, ct);
                await AddressFlows.AnswerWithFlowAsync(http, responder, flow);
                return;
        }
        await CompleteAsync(http, flow, strategy, use.Secret!.AddressId, opened: false, ct);
    }

    private async Task RedeemTokenAsync(HttpContext http, FlowRecord flow, IVerificationStrategy strategy, string token, bool opened, CancellationToken ct)
    {
        var used = await secrets.UseTokenAsync<VerificationSecret>(flow.Id, token, ct);
        if (used is null)
        {
            await RetryAsync(http, FlowTypes.Browser, opened, Messages.VerificationTokenInvalidOrAlreadyUsed(), ct);
            return;
        }
        await CompleteAsync(http, flow, strategy, used.AddressId, opened, ct);
    }

    /// <summary>The address is verified; the form becomes a link onwards, and the after hooks run.</summary>
    private async Task CompleteAsync(HttpContext http, FlowRecord flow, IVerificationStrategy strategy, Guid addressId, bool opened, CancellationToken ct)
    {
        var address = await db.IdentityVerifiableAddresses.SingleOrDefaultAsync(a => a.Id == addressId, ct);
        if (address is null)
        {
            await RetryAsync(http, FlowTypes.Browser, opened, Messages.VerificationCodeInvalidOrAlreadyUsed(), ct);
            return;
        }
        var now = store.Now;
        address.Verified = true;
        address.Status = "completed";
        address.VerifiedAt = now;
        address.UpdatedAt = now;

        flow.State = AddressFlows.PassedChallenge;
        flow.Active = strategy.Method;
        flow.IdentityId = address.IdentityId;
        if (flow.Type == FlowTypes.Browser)
            flow.CsrfToken = csrf.IssueMasked(http);
        var after = Config.SelfService.Flows.Verification.After;
        var continueUrl = flow.ReturnTo ?? after.DefaultBrowserReturnUrl ?? ReturnToPolicy.DefaultReturnUrl(Config, http).ToString();
        var ui = new UiContainer { Action = continueUrl, Method = "GET" };
        ui.SetCsrf(flow.CsrfToken, first: true);
        ui.Nodes.Add(AddressFlows.Anchor("continue", continueUrl, strategy.Method, Messages.NodeLabelContinue()));
        ui.AddMessage(address.Via == "sms" ? Messages.VerificationPhoneSuccessful() : Messages.VerificationSuccessful());
        await store.UpdateAsync(flow, ui, ct);

        var identity = await identities.FindAsync(address.IdentityId, ct);
        var context = new HookContext { Http = http, Flow = flow, Method = strategy.Method, Identity = identity, Config = Config };
        var result = await hooks.RunAsync(after.Hooks, context, ct);
        if (result.Interrupted)
        {
            foreach (var message in result.Messages) ui.AddMessage(message);
            await store.UpdateAsync(flow, ui, ct);
        }

        // As in Kratos, browsers land on the verification UI, which shows the result and the way onwards.
        if (opened || FlowResponder.Redirects(http, flow))
            await FlowResponder.RedirectAsync(http, responder.FlowUiUrl(flow));
        else
            await FlowResponder.JsonAsync(http, 200, FlowJson.Render(flow));
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
