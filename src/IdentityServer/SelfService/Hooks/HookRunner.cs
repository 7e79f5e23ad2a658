using IdentityServer.Config;
using IdentityServer.Errors;

namespace IdentityServer.SelfService.Hooks;

/// <summary>Runs the hooks configured for a flow in order and stops at the first interruption.</summary>
public sealed class HookRunner(IEnumerable<IFlowHook> hooks)
{
    private readonly Dictionary<string, IFlowHook> _byName = hooks.ToDictionary(h => h.Name);

    /// <summary>
    /// The hooks for a method replace the flow's general after hooks, as in Kratos: general hooks run
    /// only when the method has none of its own.
    /// </summary>
    public static IReadOnlyList<HookOptions> AfterHooks(AfterOptions after, string method)
    {
        var own = after.ForMethod(method)?.Hooks;
        return own is { Count: > 0 } ? own : after.Hooks;
    }

    public async Task<HookResult> RunAsync(IReadOnlyList<HookOptions> configured, HookContext context, CancellationToken ct)
    {
        foreach (var entry in configured)
        {
            if (!_byName.TryGetValue(entry.Hook, out var hook))
                throw new KratosError(500, KratosError.DefaultMessage(500), reason:
                    $"The hook \"{entry.Hook}\" is configured for this flow but this server does not provide it yet.");
            context.HookConfig = entry.Config;
            var result = await hook.RunAsync(context, ct);
            if (result.Interrupted) return result;
        }
        return HookResult.Continue;
    }
}
