using IdentityServer.Courier.Smtp;
using IdentityServer.Courier.Templates;
using IdentityServer.Hosting;

namespace IdentityServer.Courier;

/// <summary>Registers the outbox, the templates, the senders and (when asked) the background dispatcher.</summary>
public static class CourierModule
{
    public static IServiceCollection AddCourier(this IServiceCollection services, bool runDispatcher)
    {
        services.AddHttpClient(TemplateSource.HttpClientName);
        services.AddSingleton<TemplateSource>();
        services.AddSingleton<CourierTemplates>();
        services.AddSingleton<SmtpSender>();
        services.AddSingleton<HttpSender>();
        services.AddSingleton<CourierChannels>();
        services.AddSingleton<CourierWorker>();
        services.AddScoped<ICourierOutbox, CourierOutbox>();
        if (runDispatcher)
            services.AddHostedService<CourierDispatcher>();
        return services;
    }

    public static void MapCourier(this WebApplication app) => AdminCourierEndpoints.Map(app.MapAdmin());
}
