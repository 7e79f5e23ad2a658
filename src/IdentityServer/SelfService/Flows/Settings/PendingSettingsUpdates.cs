using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Config;

namespace IdentityServer.SelfService.Flows.Settings;

/// <summary>
/// A browser's settings change that waits while the person signs in again (Kratos's continuity). The
/// submitted body is stored on the flow, encrypted with a fresh key that only the browser holds in a
/// cookie: the database alone never shows a new password, and only the browser that made the change can
/// finish it when it comes back to <c>/self-service/settings?flow=ID</c>.
/// </summary>
public sealed class PendingSettingsUpdates(ConfigStore configStore, Hosting.ServeRequest serve, TimeProvider clock)
{
    public const string CookieName = "ory_kratos_continuity";
    public static readonly TimeSpan Lifespan = TimeSpan.FromMinutes(15);
    private const string Key = "pending_update";
    private const int KeyLength = 32;
    private const int NonceLength = 12;
    private const int TagLength = 16;

    /// <summary>Keeps the body on the flow (the caller saves the flow) and gives the browser the key.</summary>
    public void Pause(HttpContext http, FlowRecord flow, JsonObject body)
    {
        var key = RandomNumberGenerator.GetBytes(KeyLength);
        var nonce = RandomNumberGenerator.GetBytes(NonceLength);
        var plain = Encoding.UTF8.GetBytes(body.ToJsonString());
        var sealedBytes = new byte[plain.Length + TagLength];
        using (var aes = new AesGcm(key, TagLength))
            aes.Encrypt(nonce, plain, sealedBytes.AsSpan(0, plain.Length), sealedBytes.AsSpan(plain.Length), flow.Id.ToByteArray());
        var context = ParseContext(flow);
        context[Key] = new JsonObject
        {
            ["expires_at"] = Identities.IdentityJson.Time(clock.GetUtcNow().UtcDateTime + Lifespan),
            ["nonce"] = Convert.ToBase64String(nonce),
            ["sealed"] = Convert.ToBase64String(sealedBytes),
        };
        flow.InternalContext = context.ToJsonString();
        http.Response.Cookies.Append(CookieName, Convert.ToBase64String(key), CookieOptions(http, Lifespan));
    }

    /// <summary>
    /// The body waiting on this flow when this browser holds its key and it has not expired, else null.
    /// The flow forgets the change either way (the caller saves the flow).
    /// </summary>
    public JsonObject? Take(HttpContext http, FlowRecord flow)
    {
        var context = ParseContext(flow);
        if (context[Key] is not JsonObject stored) return null;
        Forget(flow);
        if (!http.Request.Cookies.TryGetValue(CookieName, out var cookie)) return null;
        http.Response.Cookies.Delete(CookieName, CookieOptions(http, null));
        try
        {
            var expires = DateTime.Parse(stored["expires_at"]!.GetValue<string>(), null, System.Globalization.DateTimeStyles.AdjustToUniversal);
            if (expires < clock.GetUtcNow().UtcDateTime) return null;
            var key = Convert.FromBase64String(cookie);
            var nonce = Convert.FromBase64String(stored["nonce"]!.GetValue<string>());
            var sealedBytes = Convert.FromBase64String(stored["sealed"]!.GetValue<string>());
            if (key.Length != KeyLength || nonce.Length != NonceLength || sealedBytes.Length < TagLength) return null;
            var plain = new byte[sealedBytes.Length - TagLength];
            using var aes = new AesGcm(key, TagLength);
            aes.Decrypt(nonce, sealedBytes.AsSpan(0, plain.Length), sealedBytes.AsSpan(plain.Length), plain, flow.Id.ToByteArray());
            return JsonNode.Parse(plain) as JsonObject;
        }
        catch (Exception e) when (e is FormatException or CryptographicException or InvalidOperationException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Drops a waiting change, e.g. when the form is submitted again. A key left in the browser opens nothing.</summary>
    public static void Forget(FlowRecord flow)
    {
        var context = ParseContext(flow);
        if (context.Remove(Key))
            flow.InternalContext = context.Count == 0 ? null : context.ToJsonString();
    }

    private CookieOptions CookieOptions(HttpContext http, TimeSpan? maxAge) =>
        Security.CookieSettings.Shared(configStore.Current, serve.Dev, maxAge);

    private static JsonObject ParseContext(FlowRecord flow) =>
        flow.InternalContext is { } json && JsonNode.Parse(json) is JsonObject o ? o : new JsonObject();
}
