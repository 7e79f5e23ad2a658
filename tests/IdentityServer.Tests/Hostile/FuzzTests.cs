using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using IdentityServer.Tests.Flows;
using Xunit.Abstractions;
using static IdentityServer.Tests.Flows.FlowTestSteps;

namespace IdentityServer.Tests.Hostile;

public sealed class PostgresFuzzTests(PostgresCodeFlowFixture f, ITestOutputHelper o) : FuzzTests(f, o), IClassFixture<PostgresCodeFlowFixture>;
public sealed class SqliteFuzzTests(SqliteCodeFlowFixture f, ITestOutputHelper o) : FuzzTests(f, o), IClassFixture<SqliteCodeFlowFixture>;

/// <summary>
/// A bounded fuzz run: valid requests to every public and admin endpoint family, mutated with a fixed seed
/// for a fixed number of cases (types, lengths, encodings, nesting, duplicated and missing fields, huge
/// numbers, control characters). No answer may be a 5xx or show internals (exception names, stack
/// frames, SQL). A failure prints the case number and the request, so it can be replayed.
/// </summary>
public abstract class FuzzTests(AddressFlowFixture fixture, ITestOutputHelper output)
{
    private const int Seed = 20261204;
    private const int Cases = 700;

    private static readonly string[] Leaks =
    [
        "Exception", "   at ", "Npgsql", "SQLite Error", "SqlState", "SELECT ", "INSERT INTO", "System.", "Microsoft.",
        "IdentityServer.", ".cs:line",
    ];

    /// <summary>What a case needs: a signed-in app, an identity, and fresh flows.</summary>
    private sealed class Context
    {
        public required string SessionToken { get; init; }
        public required string IdentityId { get; init; }
        public required string SessionId { get; init; }
        public required string Email { get; init; }
    }

    private sealed record Family(string Name, bool Admin, HttpMethod Method, Func<Context, FlowClient, Task<string>> Path,
        Func<Context, JsonNode?> Body, bool WithSession = false, bool FormToo = false);

    private static async Task<string> FlowPath(FlowClient client, string kind, Dictionary<string, string>? headers = null)
    {
        var flow = await client.GetJson($"/self-service/{kind}/api", headers);
        return $"/self-service/{kind}?flow={flow.Json["id"]?.GetValue<string>()}";
    }

    private static readonly Family[] Families =
    [
        new("login", false, HttpMethod.Post, (_, c) => FlowPath(c, "login"),
            x => new JsonObject { ["method"] = "password", ["identifier"] = x.Email, ["password"] = Password }, FormToo: true),
        new("login code", false, HttpMethod.Post, (_, c) => FlowPath(c, "login"),
            x => new JsonObject { ["method"] = "code", ["identifier"] = x.Email, ["code"] = "123456", ["resend"] = "code" }, FormToo: true),
        new("registration", false, HttpMethod.Post, (_, c) => FlowPath(c, "registration"),
            _ => new JsonObject
            {
                ["method"] = "password", ["password"] = Password, ["transient_payload"] = new JsonObject { ["a"] = 1 },
                ["traits"] = new JsonObject { ["email"] = NewEmail(), ["name"] = new JsonObject { ["first"] = "Ada", ["last"] = "L" } },
            }, FormToo: true),
        new("recovery", false, HttpMethod.Post, (_, c) => FlowPath(c, "recovery"),
            x => new JsonObject { ["method"] = "code", ["email"] = x.Email }, FormToo: true),
        new("recovery code", false, HttpMethod.Post, (_, c) => FlowPath(c, "recovery"),
            _ => new JsonObject { ["method"] = "code", ["code"] = "123456" }, FormToo: true),
        new("verification", false, HttpMethod.Post, (_, c) => FlowPath(c, "verification"),
            x => new JsonObject { ["method"] = "code", ["email"] = x.Email }, FormToo: true),
        new("verification link", false, HttpMethod.Get, (_, c) => Task.FromResult("/self-service/verification?flow=" + Guid.NewGuid() + "&code=123456"), _ => null),
        new("settings", false, HttpMethod.Post,
            (x, c) => FlowPath(c, "settings", new Dictionary<string, string> { ["X-Session-Token"] = x.SessionToken }),
            x => new JsonObject { ["method"] = "profile", ["traits"] = new JsonObject { ["email"] = x.Email } }, WithSession: true, FormToo: true),
        new("settings password", false, HttpMethod.Post,
            (x, c) => FlowPath(c, "settings", new Dictionary<string, string> { ["X-Session-Token"] = x.SessionToken }),
            _ => new JsonObject { ["method"] = "password", ["password"] = Password }, WithSession: true),
        new("flow fetch", false, HttpMethod.Get, (_, _) => Task.FromResult("/self-service/login/flows?id=" + Guid.NewGuid()), _ => null),
        new("flow init", false, HttpMethod.Get, (_, _) => Task.FromResult("/self-service/registration/api?return_to=http://127.0.0.1:4455/x&refresh=true&aal=aal2"), _ => null),
        new("browser init", false, HttpMethod.Get, (_, _) => Task.FromResult("/self-service/login/browser?return_to=http://127.0.0.1:4455/x&login_challenge=abc"), _ => null),
        new("api logout", false, HttpMethod.Delete, (_, _) => Task.FromResult("/self-service/logout/api"),
            _ => new JsonObject { ["session_token"] = "ory_st_" + new string('a', 32) }),
        new("browser logout", false, HttpMethod.Get, (_, _) => Task.FromResult("/self-service/logout?token=ory_lo_x&return_to=http://127.0.0.1:4455/"), _ => null),
        new("whoami", false, HttpMethod.Get, (_, _) => Task.FromResult("/sessions/whoami?tokenize_as=x"), _ => null, WithSession: true),
        new("sessions", false, HttpMethod.Get, (_, _) => Task.FromResult("/sessions?page_size=2&page_token=abc"), _ => null, WithSession: true),
        new("session revoke", false, HttpMethod.Delete, (_, _) => Task.FromResult("/sessions/" + Guid.NewGuid()), _ => null, WithSession: true),
        new("errors", false, HttpMethod.Get, (_, _) => Task.FromResult("/self-service/errors?id=" + Guid.NewGuid()), _ => null),
        new("schemas", false, HttpMethod.Get, (_, _) => Task.FromResult("/schemas?page=1&per_page=2"), _ => null),
        new("ui", false, HttpMethod.Get, (_, _) => Task.FromResult("/ui/login?flow=" + Guid.NewGuid()), _ => null),
        new("admin create", true, HttpMethod.Post, (_, _) => Task.FromResult("/admin/identities"),
            _ => new JsonObject
            {
                ["schema_id"] = "default", ["state"] = "active", ["traits"] = new JsonObject { ["email"] = NewEmail() },
                ["metadata_public"] = new JsonObject { ["plan"] = "pro" }, ["external_id"] = Guid.NewGuid().ToString(),
                ["credentials"] = new JsonObject { ["password"] = new JsonObject { ["config"] = new JsonObject { ["password"] = Password } } },
                ["verifiable_addresses"] = new JsonArray(new JsonObject { ["value"] = "x@example.com", ["via"] = "email", ["verified"] = true, ["status"] = "completed" }),
            }),
        new("admin replace", true, HttpMethod.Put, (x, _) => Task.FromResult("/admin/identities/" + x.IdentityId),
            x => new JsonObject { ["schema_id"] = "default", ["state"] = "active", ["traits"] = new JsonObject { ["email"] = x.Email } }),
        new("admin patch", true, HttpMethod.Patch, (x, _) => Task.FromResult("/admin/identities/" + x.IdentityId),
            _ => new JsonArray(new JsonObject { ["op"] = "add", ["path"] = "/metadata_public", ["value"] = new JsonObject { ["k"] = "v" } },
                new JsonObject { ["op"] = "replace", ["path"] = "/state", ["value"] = "active" })),
        new("admin batch", true, HttpMethod.Patch, (_, _) => Task.FromResult("/admin/identities"),
            _ => new JsonObject { ["identities"] = new JsonArray(new JsonObject { ["patch_id"] = "p1", ["create"] = new JsonObject { ["schema_id"] = "default", ["traits"] = new JsonObject { ["email"] = NewEmail() } } }) }),
        new("admin list", true, HttpMethod.Get, (x, _) => Task.FromResult($"/admin/identities?credentials_identifier={Uri.EscapeDataString(x.Email)}&page_size=5&include_credential=password&ids={x.IdentityId}"), _ => null),
        new("admin get", true, HttpMethod.Get, (x, _) => Task.FromResult($"/admin/identities/{x.IdentityId}?include_credential=oidc"), _ => null),
        new("admin external", true, HttpMethod.Get, (_, _) => Task.FromResult("/admin/identities/by/external/abc"), _ => null),
        new("admin credential", true, HttpMethod.Delete, (x, _) => Task.FromResult($"/admin/identities/{Guid.NewGuid()}/credentials/totp"), _ => null),
        new("admin sessions", true, HttpMethod.Get, (x, _) => Task.FromResult($"/admin/identities/{x.IdentityId}/sessions?active=true&page_size=2"), _ => null),
        new("admin session", true, HttpMethod.Get, (x, _) => Task.FromResult($"/admin/sessions/{x.SessionId}?expand=identity"), _ => null),
        new("admin session list", true, HttpMethod.Get, (_, _) => Task.FromResult("/admin/sessions?page_size=3&expand=devices&active=false"), _ => null),
        new("admin extend", true, HttpMethod.Patch, (x, _) => Task.FromResult($"/admin/sessions/{x.SessionId}/extend"), _ => null),
        new("admin courier", true, HttpMethod.Get, (_, _) => Task.FromResult("/admin/courier/messages?status=queued&recipient=a@example.com&page_size=2"), _ => null),
        new("admin recovery code", true, HttpMethod.Post, (_, _) => Task.FromResult("/admin/recovery/code"),
            x => new JsonObject { ["identity_id"] = x.IdentityId, ["expires_in"] = "1h" }),
        new("admin recovery link", true, HttpMethod.Post, (_, _) => Task.FromResult("/admin/recovery/link"),
            x => new JsonObject { ["identity_id"] = x.IdentityId, ["expires_in"] = "1h", ["return_to"] = "http://127.0.0.1:4455/" }),
        new("admin schemas", true, HttpMethod.Get, (_, _) => Task.FromResult("/admin/schemas/default"), _ => null),
    ];

    private delegate void Mutation(Random random, JsonNode root);

    private static readonly string[] Strings =
    [
        "", " ", "\u0000", "a\u0000b", "\u0001\u001f\u007f", "\ud800", "\udfff", "\uffff", "\u202e", "é", "𝕏", "<script>", "'; DROP TABLE identities; --",
        "../../etc/passwd", "%00", "%", "http://evil.com", "//evil.com", "javascript:alert(1)", "\r\nSet-Cookie: x=y", "null", "true", "1e999",
        "-", "~1", "/", "{}", "[]", new string('a', 5000), new string('é', 3000), "00000000-0000-0000-0000-000000000000",
    ];

    private static JsonNode? RandomValue(Random random, int depth = 0) => random.Next(12) switch
    {
        0 => null,
        1 => JsonValue.Create(random.Next(2) == 0),
        2 => JsonValue.Create(random.NextInt64(long.MinValue, long.MaxValue)),
        3 => JsonValue.Create(random.NextDouble() * Math.Pow(10, random.Next(-300, 300))),
        4 => depth > 2 ? JsonValue.Create(1) : new JsonArray(RandomValue(random, depth + 1), RandomValue(random, depth + 1)),
        5 => depth > 2 ? JsonValue.Create("x") : new JsonObject { [Strings[random.Next(Strings.Length)]] = RandomValue(random, depth + 1) },
        _ => JsonValue.Create(Strings[random.Next(Strings.Length)]),
    };

    /// <summary>The containers of a document and their keys, to pick a place to mutate.</summary>
    private static List<(JsonNode Parent, string? Key, int Index)> Places(JsonNode root)
    {
        var places = new List<(JsonNode, string?, int)>();
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (k, v) in o.ToList()) { places.Add((o, k, -1)); Walk(v); }
                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++) { places.Add((a, null, i)); Walk(a[i]); }
                    break;
            }
        }
        Walk(root);
        return places;
    }

    private static void Replace(JsonNode parent, string? key, int index, JsonNode? value)
    {
        if (parent is JsonObject o) o[key!] = value;
        else if (parent is JsonArray a) a[index] = value;
    }

    /// <summary>Structured mutations of a JSON document; byte-level ones are applied when it is written.</summary>
    private static void Mutate(Random random, JsonNode root)
    {
        var places = Places(root);
        if (places.Count == 0) return;
        var (parent, key, index) = places[random.Next(places.Count)];
        switch (random.Next(6))
        {
            case 0: Replace(parent, key, index, RandomValue(random)); break;
            case 1:
                if (parent is JsonObject o) o.Remove(key!);
                else if (parent is JsonArray a) a.RemoveAt(index);
                break;
            case 2:
                var deep = (JsonNode)new JsonArray();
                for (var i = 0; i < random.Next(10, 60); i++) deep = new JsonArray(deep);
                Replace(parent, key, index, deep);
                break;
            case 3:
                if (parent is JsonObject target) target[Strings[random.Next(Strings.Length)] + random.Next(100)] = RandomValue(random);
                break;
            case 4: Replace(parent, key, index, JsonValue.Create(new string((char)random.Next(1, 0xd7ff), random.Next(1, 20_000)))); break;
            default: Replace(parent, key, index, JsonValue.Create(Strings[random.Next(Strings.Length)])); break;
        }
    }

    private static byte[] Encode(Random random, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        switch (random.Next(10))
        {
            case 0:
                // Invalid UTF-8 inside a string.
                var quote = Array.IndexOf(bytes, (byte)'"', Math.Min(bytes.Length - 1, random.Next(bytes.Length)));
                if (quote < 0) return bytes;
                return [.. bytes[..(quote + 1)], 0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80, .. bytes[(quote + 1)..]];
            case 1: return bytes[..random.Next(bytes.Length + 1)]; // truncated
            case 2:
                // A duplicated key (JSON allows it; the last one wins in most readers).
                var text = json.StartsWith('{') && json.Length > 2 ? "{\"method\":\"x\"," + json[1..] : json;
                return Encoding.UTF8.GetBytes(text.Replace("\"email\":", "\"email\":\"dup\",\"email\":", StringComparison.Ordinal));
            case 3: return Encoding.UTF8.GetBytes(json.Replace("1", "1" + new string('9', 400), StringComparison.Ordinal).Replace("true", "1e99999", StringComparison.Ordinal));
            case 4: return Encoding.UTF8.GetBytes(json.Replace("\"", "\"\\ud800", StringComparison.Ordinal));
            default: return bytes;
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> Flatten(JsonNode? node, string prefix, Random random)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o)
                    foreach (var pair in Flatten(v, prefix.Length == 0 ? k : prefix + "." + k, random)) yield return pair;
                break;
            case JsonArray a:
                foreach (var item in a)
                    foreach (var pair in Flatten(item, prefix, random)) yield return pair;
                break;
            default:
                var value = node?.ToString() ?? "";
                yield return new(prefix, value);
                if (random.Next(5) == 0) yield return new(prefix, Strings[random.Next(Strings.Length)]); // repeated key
                break;
        }
    }

    private static string MutateQuery(Random random, string path)
    {
        if (random.Next(3) != 0) return path;
        var junk = Uri.EscapeDataString(Strings[random.Next(Strings.Length)]);
        return random.Next(4) switch
        {
            0 => path + (path.Contains('?') ? "&" : "?") + "return_to=" + junk,
            1 => path.Contains('?') ? path[..(path.IndexOf('?') + 1)] + "flow=" + junk + "&id=" + junk + "&" + path[(path.IndexOf('?') + 1)..] : path + "?flow=" + junk,
            2 => path + (path.Contains('?') ? "&" : "?") + "page_size=" + junk + "&page_token=" + junk + "&per_page=-1&page=99999999999",
            _ => path.Contains('?') ? path + "&" + junk + "=" + junk : path + "/" + junk,
        };
    }

    [Fact]
    public async Task Mutated_requests_never_get_a_5xx_or_internal_details()
    {
        var email = NewEmail();
        using var setup = fixture.Native();
        var registered = await RegisterNative(setup, email);
        var context = new Context
        {
            Email = email,
            SessionToken = registered["session_token"]!.GetValue<string>(),
            IdentityId = registered["identity"]!["id"]!.GetValue<string>(),
            SessionId = registered["session"]!["id"]!.GetValue<string>(),
        };
        var random = new Random(Seed);
        using var publicClient = fixture.Native();
        using var adminClient = new FlowClient(fixture.Server.AdminUrl, cookies: false);
        var failures = new List<string>();
        var started = DateTime.UtcNow;
        for (var n = 0; n < Cases; n++)
        {
            var family = Families[n % Families.Length];
            var client = family.Admin ? adminClient : publicClient;
            var path = MutateQuery(random, await family.Path(context, client));
            var body = family.Body(context);
            HttpContent? content = null;
            var description = $"case {n} ({family.Name}): {family.Method} {path}";
            if (body is not null)
            {
                for (var m = random.Next(1, 4); m > 0; m--) Mutate(random, body);
                if (family.FormToo && random.Next(3) == 0)
                {
                    var pairs = Flatten(body, "", random).ToList();
                    content = new FormUrlEncodedContent(pairs);
                    description += " form " + string.Join("&", pairs.Select(p => p.Key + "=" + Truncate(p.Value)));
                }
                else
                {
                    var json = body.ToJsonString();
                    content = new ByteArrayContent(Encode(random, json));
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    description += " json " + Truncate(json);
                }
            }
            var headers = family.WithSession ? new Dictionary<string, string> { ["X-Session-Token"] = context.SessionToken } : null;
            FlowClient.Reply reply;
            try
            {
                reply = await client.Send(family.Method, path, content, json: random.Next(4) != 0, headers);
            }
            catch (HttpRequestException e)
            {
                failures.Add($"{description}: connection failed: {e.Message}");
                continue;
            }
            if (reply.Code >= 500)
                failures.Add($"{description}: {reply.Code} {Truncate(reply.Text)}");
            else if (Leaks.FirstOrDefault(l => reply.Text.Contains(l, StringComparison.Ordinal)) is { } leak && !IsEcho(reply.Text, leak, path, body))
                failures.Add($"{description}: answer shows \"{leak}\": {Truncate(reply.Text)}");
        }
        output.WriteLine($"{Cases} cases in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    /// <summary>Text the client sent itself may come back (a flow shows the submitted values), and is no leak.</summary>
    private static bool IsEcho(string answer, string leak, string path, JsonNode? body) =>
        path.Contains(leak, StringComparison.Ordinal) || (body?.ToJsonString().Contains(leak, StringComparison.Ordinal) ?? false);

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
