using IdentityServer.Errors;
using Microsoft.AspNetCore.Connections.Features;

namespace IdentityServer.Hosting;

public enum Listener { Public, Admin }

/// <summary>Endpoint metadata: the endpoint answers only on this listener.</summary>
public sealed record ListenerOnly(Listener Listener);

/// <summary>
/// Kratos serves two HTTP listeners. Each Kestrel endpoint tags its connections, and a
/// middleware after routing hides endpoints that belong to the other listener (as a 404).
/// </summary>
public static class Listeners
{
    private const string ItemKey = "identityserver.listener";

    public static void Tag(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions options, Listener listener) =>
        options.Use(next => connection =>
        {
            connection.Items[ItemKey] = listener;
            return next(connection);
        });

    public static Listener Of(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ItemKey, out var value) == true && value is Listener l
            ? l
            : Listener.Public;

    public static void UseListenerSeparation(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var only = context.GetEndpoint()?.Metadata.GetMetadata<ListenerOnly>();
        if (only is not null && only.Listener != Of(context))
            return ErrorHandling.WriteAsync(context, KratosError.NotFound());
        return next(context);
    });

    public static RouteGroupBuilder MapPublic(this IEndpointRouteBuilder routes) =>
        routes.MapGroup("").WithMetadata(new ListenerOnly(Listener.Public));

    public static RouteGroupBuilder MapAdmin(this IEndpointRouteBuilder routes) =>
        routes.MapGroup("/admin").WithMetadata(new ListenerOnly(Listener.Admin));
}
