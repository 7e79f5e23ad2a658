using System.Text.Json;
using IdentityServer.Errors;
using IdentityServer.Hosting;
using IdentityServer.SelfService.Flows;
using IdentityServer.SelfService.Flows.Login;
using IdentityServer.SelfService.Flows.Recovery;
using IdentityServer.SelfService.Flows.Registration;
using IdentityServer.SelfService.Flows.Settings;
using IdentityServer.SelfService.Flows.Verification;
using IdentityServer.SelfService.Hooks;
using IdentityServer.SelfService.Strategies.Code;
using IdentityServer.SelfService.Strategies.IdentifierFirst;
using IdentityServer.SelfService.Strategies.Link;
using IdentityServer.SelfService.Strategies.Password;
using IdentityServer.SelfService.Strategies.Profile;

namespace IdentityServer.SelfService;

/// <summary>Registers and maps the self-service flows (login, registration, settings) and the error endpoint.</summary>
public static class SelfServiceModule
{
    public static IServiceCollection AddSelfService(this IServiceCollection services)
    {
        services.AddHttpClient(nameof(BreachCheck));
        services.AddSingleton<BreachCheck>();
        services.AddSingleton<PasswordPolicy>();
        services.AddSingleton<CsrfTokens>();
        services.AddScoped<FlowStore>();
        services.AddScoped<FlowResponder>();
        services.AddScoped<FlowFactory>();
        services.AddScoped<FlowLoader>();
        services.AddScoped<LoginFlows>();
        services.AddScoped<RegistrationFlows>();
        services.AddCodeLoginAndRegistration();
        services.AddScoped<ILoginStrategy, PasswordLogin>();
        services.AddScoped<IRegistrationStrategy, PasswordRegistration>();
        services.AddScoped<ProfileRegistration>();
        services.AddScoped<IdentifierFirstLogin>();
        services.AddScoped<SettingsFlows>();
        services.AddScoped<ISettingsFlowOpener, SettingsFlowOpener>();
        services.AddSingleton<PendingSettingsUpdates>();
        services.AddScoped<ISettingsStrategy, ProfileSettings>();
        services.AddScoped<ISettingsStrategy, PasswordSettings>();
        services.AddScoped<HookRunner>();
        services.AddScoped<IFlowHook, SessionHook>();
        services.AddScoped<IFlowHook, RevokeActiveSessionsHook>();
        services.AddScoped<IFlowHook, RequireVerifiedAddressHook>();
        services.AddScoped<IFlowHook, ShowVerificationUiHook>();
        services.AddScoped<IFlowHook, VerificationHook>();
        services.AddScoped<OneTimeSecrets>();
        services.AddScoped<IVerificationStrategy, VerificationCodeStrategy>();
        services.AddScoped<IVerificationStrategy, VerificationLinkStrategy>();
        services.AddScoped<VerificationSender>();
        services.AddScoped<IVerificationSender>(sp => sp.GetRequiredService<VerificationSender>());
        services.AddScoped<VerificationFlows>();
        services.AddScoped<RecoveryCodeStrategy>();
        services.AddScoped<RecoveryLinkStrategy>();
        services.AddScoped<IRecoveryStrategy>(sp => sp.GetRequiredService<RecoveryCodeStrategy>());
        services.AddScoped<IRecoveryStrategy>(sp => sp.GetRequiredService<RecoveryLinkStrategy>());
        services.AddScoped<RecoveryFlows>();
        return services;
    }

    public static void MapSelfService(this WebApplication app)
    {
        var pub = app.MapPublic();
        pub.MapGet("/self-service/login/browser", (HttpContext h, LoginFlows f) => Run(h, ct => f.InitAsync(h, FlowTypes.Browser, ct)));
        pub.MapGet("/self-service/login/api", (HttpContext h, LoginFlows f) => Run(h, ct => f.InitAsync(h, FlowTypes.Api, ct), forceJson: true));
        pub.MapGet("/self-service/login/flows", (HttpContext h, LoginFlows f) => Run(h, ct => f.GetAsync(h, ct), forceJson: true));
        pub.MapPost("/self-service/login", (HttpContext h, LoginFlows f) => Run(h, ct => f.SubmitAsync(h, ct)));
        pub.MapGet("/self-service/registration/browser", (HttpContext h, RegistrationFlows f) => Run(h, ct => f.InitAsync(h, FlowTypes.Browser, ct)));
        pub.MapGet("/self-service/registration/api", (HttpContext h, RegistrationFlows f) => Run(h, ct => f.InitAsync(h, FlowTypes.Api, ct), forceJson: true));
        pub.MapGet("/self-service/registration/flows", (HttpContext h, RegistrationFlows f) => Run(h, ct => f.GetAsync(h, ct), forceJson: true));
        pub.MapPost("/self-service/registration", (HttpContext h, RegistrationFlows f) => Run(h, ct => f.SubmitAsync(h, ct)));
        pub.MapGet("/self-service/settings/browser", (HttpContext h, SettingsFlows f) => Run(h, ct => f.InitAsync(h, FlowTypes.Browser, ct)));
        pub.MapGet("/self-service/settings/api", (HttpContext h, SettingsFlows f) => Run(h, ct => f.InitAsync(h, FlowTypes.Api, ct), forceJson: true));
        pub.MapGet("/self-service/settings/flows", (HttpContext h, SettingsFlows f) => Run(h, ct => f.GetAsync(h, ct), forceJson: true));
        pub.MapMethods("/self-service/settings", ["GET", "POST"], (HttpContext h, SettingsFlows f) => Run(h, ct => f.SubmitAsync(h, ct)));
        pub.MapGet("/self-service/verification/browser", (HttpContext h, VerificationFlows f) => Run(h, ct => f.InitAsync(h, FlowTypes.Browser, ct)));
        pub.MapGet("/self-service/verification/api", (HttpContext h, VerificationFlows f) => Run(h, ct => f.InitAsync(h, FlowTypes.Api, ct), forceJson: true));
        pub.MapGet("/self-service/verification/flows", (HttpContext h, VerificationFlows f) => Run(h, ct => f.GetAsync(h, ct), forceJson: true));
        pub.MapPost("/self-service/verification", (HttpContext h, VerificationFlows f) => Run(h, ct => f.SubmitAsync(h, ct)));
        pub.MapGet("/self-service/verification", (HttpContext h, VerificationFlows f) => Run(h, ct => f.SubmitAsync(h, ct)));
        pub.MapGet("/self-service/recovery/browser", (HttpContext h, RecoveryFlows f) => Run(h, ct => f.InitAsync(h, FlowTypes.Browser, ct)));
        pub.MapGet("/self-service/recovery/api", (HttpContext h, RecoveryFlows f) => Run(h, ct => f.InitAsync(h, FlowTypes.Api, ct), forceJson: true));
        pub.MapGet("/self-service/recovery/flows", (HttpContext h, RecoveryFlows f) => Run(h, ct => f.GetAsync(h, ct), forceJson: true));
        pub.MapPost("/self-service/recovery", (HttpContext h, RecoveryFlows f) => Run(h, ct => f.SubmitAsync(h, ct)));
        pub.MapGet("/self-service/recovery", (HttpContext h, RecoveryFlows f) => Run(h, ct => f.SubmitAsync(h, ct)));
        app.MapAdminRecovery();
        pub.MapGet("/self-service/errors", (string? id, FlowResponder r, CancellationToken ct) => r.GetErrorAsync(id, ct));
        app.MapAdmin().MapGet("/self-service/errors", (string? id, FlowResponder r, CancellationToken ct) => r.GetErrorAsync(id, ct));
    }

    /// <summary>Runs a flow handler and sends every failure through the flow responder.</summary>
    private static async Task Run(HttpContext http, Func<CancellationToken, Task> handler, bool forceJson = false)
    {
        var ct = http.RequestAborted;
        var responder = http.RequestServices.GetRequiredService<FlowResponder>();
        try
        {
            await handler(ct);
        }
        catch (FlowValidationException failure)
        {
            await responder.ValidationFailedAsync(http, failure, ct);
        }
        catch (Exception e) when (e is KratosError or BadHttpRequestException or JsonException)
        {
            var error = ErrorHandling.Translate(e);
            var flow = http.Items[typeof(FlowRecord)] as FlowRecord;
            if (forceJson) await ErrorHandling.WriteAsync(http, error);
            else await responder.ErrorAsync(http, flow, error, ct);
        }
    }
}
