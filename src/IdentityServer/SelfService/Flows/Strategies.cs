using System.Text.Json.Nodes;
using IdentityServer.Config;
using IdentityServer.Identities;
using IdentityServer.Sessions;

namespace IdentityServer.SelfService.Flows;

/// <summary>A submission being handled: the flow, its form, and the decoded body.</summary>
public sealed class FlowSubmission
{
    public required HttpContext Http { get; init; }
    public required FlowRecord Flow { get; init; }
    public required UiContainer Ui { get; init; }
    public required JsonObject Body { get; init; }
    public required KratosConfig Config { get; init; }

    /// <summary>Stops the submission: the flow is answered with these messages on the form.</summary>
    public FlowValidationException Fail(params Text.UiText[] messages)
    {
        foreach (var m in messages) Ui.AddMessage(m);
        return new FlowValidationException(Flow, Ui);
    }

    /// <summary>
    /// Stops the submission without finishing the flow, for methods with more than one step (a code was
    /// sent): the flow, in its new state and with its new form, is saved and answered as Kratos answers
    /// such a step, with the flow (400) or, for form posts, a redirect back to the UI.
    /// </summary>
    public FlowValidationException NextStep() => new(Flow, Ui);
}

public sealed record LoginOutcome(Identity Identity, AuthenticationMethod Method);

/// <summary>A way to sign in (password, code, ...): adds its nodes to new login flows and checks submissions.</summary>
public interface ILoginStrategy
{
    /// <summary>The `method` value the form submits, also the configuration name.</summary>
    string Method { get; }
    bool IsEnabled(KratosConfig config);
    Task PopulateAsync(FlowRecord flow, UiContainer ui, CancellationToken ct);
    /// <summary>Whether a submission is meant for this strategy; by default when its `method` names it.</summary>
    bool Accepts(string? method, JsonObject body) => method == Method;
    /// <summary>Returns the identity, or throws <see cref="FlowValidationException"/> through <see cref="FlowSubmission.Fail"/>.</summary>
    Task<LoginOutcome> LoginAsync(FlowSubmission submission, CancellationToken ct);

    /// <summary>A refresh (`?refresh=true` with a session): the nodes that let <paramref name="identity"/> confirm it is them.</summary>
    Task PopulateRefreshAsync(FlowRecord flow, UiContainer ui, Identity identity, CancellationToken ct) => PopulateAsync(flow, ui, ct);

    /// <summary>The first screen of the `identifier_first` login style; most methods add nothing there.</summary>
    Task PopulateIdentifierFirstAsync(FlowRecord flow, UiContainer ui, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// The second screen of the `identifier_first` style, once the identifier is known. <paramref name="identity"/> is
    /// the account the identifier names, or null. Returns whether this method is offered to that account.
    /// </summary>
    Task<bool> PopulateIdentifierFirstCredentialsAsync(FlowRecord flow, UiContainer ui, Identity? identity, KratosConfig config,
        CancellationToken ct) => Task.FromResult(false);
}

/// <summary>A way to sign up: adds its nodes to new registration flows and creates the identity.</summary>
public interface IRegistrationStrategy
{
    string Method { get; }
    bool IsEnabled(KratosConfig config);
    Task PopulateAsync(FlowRecord flow, UiContainer ui, CancellationToken ct);
    Task<(Identity Identity, AuthenticationMethod Method)> RegisterAsync(FlowSubmission submission, CancellationToken ct);

    /// <summary>Two-step registration, profile screen: the traits come from the profile step, so most methods remove their nodes.</summary>
    Task PopulateProfileStepAsync(FlowRecord flow, UiContainer ui, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Two-step registration, credential screen: the method's own inputs and submit button.</summary>
    Task PopulateCredentialsStepAsync(FlowRecord flow, UiContainer ui, CancellationToken ct) => PopulateAsync(flow, ui, ct);
}
