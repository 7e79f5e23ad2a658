using System.Net;
using System.Text.Json.Nodes;
using IdentityServer.Tests.Infrastructure;

namespace IdentityServer.Tests.Identities;

public sealed class PostgresAdminIdentityTests(PostgresAdminIdentityFixture f) : AdminIdentityTests(f), IClassFixture<PostgresAdminIdentityFixture>;
public sealed class SqliteAdminIdentityTests(SqliteAdminIdentityFixture f) : AdminIdentityTests(f), IClassFixture<SqliteAdminIdentityFixture>;

/// <summary>The admin identities API through HTTP, the same on every store.</summary>
public abstract class AdminIdentityTests(AdminIdentityFixture fixture)
{
    private Api Admin => fixture.Admin;

    // bcrypt of "correct horse" made with `htpasswd -nbBC 4 u 'correct horse'`; Kratos stores it as given.
    private const string ImportedBcrypt = "$2y$04$sQeyFWdHb0enE5/Ni7qLTO35rg5JLSYKMsteUK48CMQlRAGiY0/VO";

    private static string NewEmail() => $"user-{Guid.NewGuid():N}@example.com";

    private static JsonObject Body(string email, string? password = "a-long-passphrase!", JsonObject? extra = null)
    {
        var body = new JsonObject
        {
            ["schema_id"] = "default",
            ["traits"] = new JsonObject { ["email"] = email, ["name"] = new JsonObject { ["first"] = "Ada", ["last"] = "Lovelace" } },
        };
        if (password is not null)
            body["credentials"] = new JsonObject { ["password"] = new JsonObject { ["config"] = new JsonObject { ["password"] = password } } };
        foreach (var (k, v) in extra ?? []) body[k] = v?.DeepClone();
        return body;
    }

    private async Task<JsonNode> Create(JsonObject body)
    {
        var reply = await Admin.Post("/admin/identities", body);
        Assert.True(reply.Status == HttpStatusCode.Created, $"create answered {reply.Code}: {reply.Body}");
        return reply.Json;
    }

    private async Task<int> CountByIdentifier(string identifier) =>
        (await Admin.Get("/admin/identities?credentials_identifier=" + Uri.EscapeDataString(identifier))).Json.AsArray().Count;

    [Fact]
    public async Task Create_returns_the_kratos_identity_shape()
    {
        var email = NewEmail();
        var created = await Create(Body(email.ToUpperInvariant(), extra: new JsonObject
        {
            ["metadata_public"] = new JsonObject { ["plan"] = "pro" },
            ["metadata_admin"] = new JsonObject { ["note"] = "vip" },
            ["external_id"] = "ext-" + email,
        }));
        Assert.True(Guid.TryParse(created["id"]!.GetValue<string>(), out _));
        Assert.Equal("default", created["schema_id"]!.GetValue<string>());
        Assert.EndsWith("/schemas/ZGVmYXVsdA", created["schema_url"]!.GetValue<string>());
        Assert.Equal("active", created["state"]!.GetValue<string>());
        Assert.NotNull(created["state_changed_at"]);
        Assert.Equal("pro", created["metadata_public"]!["plan"]!.GetValue<string>());
        Assert.Equal("vip", created["metadata_admin"]!["note"]!.GetValue<string>());
        Assert.Equal("ext-" + email, created["external_id"]!.GetValue<string>());
        var password = created["credentials"]!["password"]!;
        Assert.Equal("password", password["type"]!.GetValue<string>());
        Assert.Equal(email, password["identifiers"]![0]!.GetValue<string>());
        Assert.Null(password["config"]);
        var address = created["verifiable_addresses"]![0]!;
        Assert.Equal(email, address["value"]!.GetValue<string>());
        Assert.Equal("email", address["via"]!.GetValue<string>());
        Assert.False(address["verified"]!.GetValue<bool>());
        Assert.Equal("pending", address["status"]!.GetValue<string>());
        Assert.Equal(email, created["recovery_addresses"]![0]!["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Identifier_traits_give_credentials_even_without_a_secret()
    {
        var email = NewEmail();
        var created = await Create(Body(email.ToUpperInvariant(), password: null));
        var credentials = created["credentials"]!;
        Assert.Equal(email, credentials["password"]!["identifiers"]![0]!.GetValue<string>());
        Assert.Equal(email, credentials["code"]!["identifiers"]![0]!.GetValue<string>());
        Assert.Equal(1, await CountByIdentifier(email));
        var withConfig = await Admin.Get($"/admin/identities/{created["id"]}?include_credential=code&include_credential=password");
        Assert.Null(withConfig.Json["credentials"]!["password"]!["config"]!["hashed_password"]);
        var address = withConfig.Json["credentials"]!["code"]!["config"]!["addresses"]![0]!;
        Assert.Equal("email", address["channel"]!.GetValue<string>());
        Assert.Equal(email, address["address"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_by_id_shows_the_hash_only_when_asked()
    {
        var created = await Create(Body(NewEmail()));
        var id = created["id"]!.GetValue<string>();
        var plain = await Admin.Get($"/admin/identities/{id}");
        Assert.Equal(HttpStatusCode.OK, plain.Status);
        Assert.Null(plain.Json["credentials"]!["password"]!["config"]);
        var withHash = await Admin.Get($"/admin/identities/{id}?include_credential=password");
        Assert.StartsWith("$2a$04$", withHash.Json["credentials"]!["password"]!["config"]!["hashed_password"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_by_external_id_and_unknown_ids()
    {
        var email = NewEmail();
        var created = await Create(Body(email, extra: new JsonObject { ["external_id"] = "crm-" + email }));
        var found = await Admin.Get("/admin/identities/by/external/" + Uri.EscapeDataString("crm-" + email));
        Assert.Equal(created["id"]!.GetValue<string>(), found.Json["id"]!.GetValue<string>());
        var unknown = await Admin.Get("/admin/identities/by/external/nobody");
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal(404, unknown.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.Get($"/admin/identities/{Guid.NewGuid()}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.Get("/admin/identities/not-a-uuid")).Status);
    }

    [Fact]
    public async Task A_duplicate_identifier_is_a_conflict_and_nothing_is_stored()
    {
        var email = NewEmail();
        await Create(Body(email));
        var duplicate = await Admin.Post("/admin/identities", Body(email.ToUpperInvariant()));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.Status);
        Assert.Equal(409, duplicate.ErrorCode);
        Assert.Equal("Conflict", duplicate.Json["error"]!["status"]!.GetValue<string>());
        Assert.Equal(1, await CountByIdentifier(email));

        // A duplicate external id is a conflict too.
        var other = NewEmail();
        await Create(Body(other, extra: new JsonObject { ["external_id"] = "same-" + other }));
        var sameExternal = await Admin.Post("/admin/identities", Body(NewEmail(), extra: new JsonObject { ["external_id"] = "same-" + other }));
        Assert.Equal(HttpStatusCode.Conflict, sameExternal.Status);
    }

    [Fact]
    public async Task Twenty_parallel_creates_of_one_email_make_exactly_one_identity()
    {
        var email = NewEmail();
        var replies = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Admin.Post("/admin/identities", Body(email))));
        Assert.Equal(1, replies.Count(r => r.Status == HttpStatusCode.Created));
        Assert.Equal(19, replies.Count(r => r.Status == HttpStatusCode.Conflict));
        Assert.All(replies.Where(r => r.Status == HttpStatusCode.Conflict), r => Assert.Equal(409, r.ErrorCode));
        Assert.Equal(1, await CountByIdentifier(email));
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("""{"schema_id":"default","traits":"a@example.com"}""", "`traits` must be an object")]
    [InlineData("""{"schema_id":"default"}""", "`traits` is required")]
    [InlineData("""{"schema_id":7,"traits":{}}""", "`schema_id` must be a string")]
    [InlineData("""{"schema_id":"nope","traits":{"email":"x@example.com"}}""", "identity schema \"nope\" does not exist")]
    [InlineData("""{"schema_id":"default","state":"sleeping","traits":{"email":"x@example.com"}}""", "`state` must be")]
    [InlineData("""{"schema_id":"default","traits":{"email":"x@example.com"},"credentials":{"password":{"config":{"hashed_password":"plaintext"}}}}""", "cannot be imported")]
    [InlineData("""{"schema_id":"default","traits":{"email":"x@example.com"},"credentials":{"password":{"config":{}}}}""", "needs either password or hashed_password")]
    [InlineData("""{"schema_id":"default","traits":{"email":"x@example.com"},"verifiable_addresses":{"value":"x"}}""", "`verifiable_addresses` must be an array")]
    [InlineData("""{"schema_id":"default","traits":{"email":"x@example.com"},"organization_id":"acme"}""", "`organization_id` must be a UUID")]
    public async Task Malformed_bodies_are_rejected_with_400_and_a_reason(string body, string reason)
    {
        var before = await CountByIdentifier("x@example.com");
        var reply = await Admin.PostRaw("/admin/identities", body);
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(400, reply.ErrorCode);
        Assert.Contains(reason, reply.Json["error"]!["reason"]!.GetValue<string>());
        Assert.Equal(before, await CountByIdentifier("x@example.com"));
    }

    [Fact]
    public async Task Traits_that_fail_the_schema_name_the_trait_and_the_message_id()
    {
        var reply = await Admin.Post("/admin/identities", new JsonObject
        {
            ["schema_id"] = "default",
            ["traits"] = new JsonObject { ["email"] = "not-an-email" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        var message = reply.Json["error"]!["details"]!["messages"]![0]!;
        Assert.Equal("#/traits/email", message["pointer"]!.GetValue<string>());
        Assert.Equal(4000040, message["id"]!.GetValue<long>()); // Kratos: ErrorValidationEmail

        var missing = await Admin.Post("/admin/identities", new JsonObject { ["schema_id"] = "default", ["traits"] = new JsonObject() });
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal(4000002, missing.Json["error"]!["details"]!["messages"]![0]!["id"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_body_over_one_megabyte_is_413()
    {
        var big = new JsonObject
        {
            ["schema_id"] = "default",
            ["traits"] = new JsonObject { ["email"] = NewEmail() },
            ["metadata_admin"] = new string('x', 1100 * 1024),
        };
        var reply = await Admin.Post("/admin/identities", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, reply.Status);
        Assert.Equal(413, reply.ErrorCode);
    }

    [Fact]
    public async Task An_imported_bcrypt_hash_is_kept_as_given()
    {
        var email = NewEmail();
        var body = Body(email, password: null);
        body["credentials"] = new JsonObject { ["password"] = new JsonObject { ["config"] = new JsonObject { ["hashed_password"] = ImportedBcrypt } } };
        var created = await Create(body);
        var read = await Admin.Get($"/admin/identities/{created["id"]}?include_credential=password");
        Assert.Equal(ImportedBcrypt, read.Json["credentials"]!["password"]!["config"]!["hashed_password"]!.GetValue<string>());
    }

    [Fact]
    public async Task Imported_verified_addresses_and_inactive_state_are_stored()
    {
        var email = NewEmail();
        var created = await Create(Body(email, extra: new JsonObject
        {
            ["state"] = "inactive",
            ["verifiable_addresses"] = new JsonArray(new JsonObject { ["value"] = email, ["via"] = "email", ["verified"] = true, ["status"] = "completed" }),
        }));
        Assert.Equal("inactive", created["state"]!.GetValue<string>());
        Assert.NotNull(created["state_changed_at"]);
        var address = created["verifiable_addresses"]![0]!;
        Assert.True(address["verified"]!.GetValue<bool>());
        Assert.Equal("completed", address["status"]!.GetValue<string>());
        Assert.NotNull(address["verified_at"]);
    }

    [Fact]
    public async Task Listing_pages_through_everything_with_the_link_header()
    {
        var department = "dept-" + Guid.NewGuid().ToString("N");
        var ids = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            var body = Body(NewEmail(), password: null);
            body["traits"]!["department"] = department;
            ids.Add((await Create(body))["id"]!.GetValue<string>());
        }
        var seen = new List<string>();
        var url = $"/admin/identities?page_size=2&traits.department={department}";
        for (var pages = 0; url is not null; pages++)
        {
            Assert.True(pages < 5, "pagination did not end");
            var reply = await Admin.Get(url);
            Assert.Equal(HttpStatusCode.OK, reply.Status);
            Assert.True(reply.Json.AsArray().Count <= 2);
            seen.AddRange(reply.Json.AsArray().Select(n => n!["id"]!.GetValue<string>()));
            var link = string.Join(",", reply.Response.Headers.GetValues("Link"));
            Assert.Contains("rel=\"first\"", link);
            url = link.Split(',').Select(l => l.Trim()).Where(l => l.EndsWith("rel=\"next\"", StringComparison.Ordinal))
                .Select(l => l[1..l.IndexOf('>')]).FirstOrDefault();
        }
        Assert.Equal(ids.OrderBy(x => x), seen.OrderBy(x => x));
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Theory]
    [InlineData("page_size=0")]
    [InlineData("page_size=501")]
    [InlineData("page_size=lots")]
    [InlineData("page_token=%%%")]
    [InlineData("page_token=eyJ4IjoxfQ")]
    [InlineData("ids=not-a-uuid")]
    [InlineData("trait=nocolon")]
    [InlineData("traits.a%20b=x")]
    public async Task Bad_list_parameters_are_400(string query)
    {
        var reply = await Admin.Get("/admin/identities?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(400, reply.ErrorCode);
    }

    [Fact]
    public async Task Filters_find_identities_by_identifier_id_trait_and_similarity()
    {
        var email = NewEmail();
        var created = await Create(Body(email));
        var id = created["id"]!.GetValue<string>();
        await Create(Body(NewEmail()));

        async Task<List<string>> Ids(string query) =>
            (await Admin.Get("/admin/identities?" + query)).Json.AsArray().Select(n => n!["id"]!.GetValue<string>()).ToList();

        Assert.Equal([id], await Ids("credentials_identifier=" + Uri.EscapeDataString(email.ToUpperInvariant())));
        Assert.Equal([id], await Ids("ids=" + id + "&ids=" + Guid.NewGuid()));
        Assert.Equal([id], await Ids("traits.email=" + Uri.EscapeDataString(email)));
        Assert.Equal([id], await Ids("trait=" + Uri.EscapeDataString("email:" + email)));
        Assert.Equal([id], await Ids("traits.name.first=Ada&traits.email=" + Uri.EscapeDataString(email)));
        Assert.Empty(await Ids("traits.name.first=Grace&traits.email=" + Uri.EscapeDataString(email)));
        Assert.Contains(id, await Ids("preview_credentials_identifier_similar=" + Uri.EscapeDataString(email[..20])));
        var withCredentials = (await Admin.Get("/admin/identities?include_credential=password&ids=" + id)).Json[0]!;
        Assert.NotNull(withCredentials["credentials"]!["password"]!["config"]!["hashed_password"]);
    }

    [Fact]
    public async Task Replace_keeps_the_state_of_unchanged_addresses_and_resets_changed_ones()
    {
        var email = NewEmail();
        var created = await Create(Body(email, extra: new JsonObject
        {
            ["verifiable_addresses"] = new JsonArray(new JsonObject { ["value"] = email, ["via"] = "email", ["verified"] = true }),
        }));
        var id = created["id"]!.GetValue<string>();
        var same = await Admin.Put($"/admin/identities/{id}", new JsonObject
        {
            ["schema_id"] = "default", ["state"] = "active",
            ["traits"] = new JsonObject { ["email"] = email, ["department"] = "research" },
        });
        Assert.Equal(HttpStatusCode.OK, same.Status);
        Assert.True(same.Json["verifiable_addresses"]![0]!["verified"]!.GetValue<bool>());
        Assert.Equal("research", same.Json["traits"]!["department"]!.GetValue<string>());
        Assert.Null(same.Json["traits"]!["name"]);

        var changedEmail = NewEmail();
        var changed = await Admin.Put($"/admin/identities/{id}", new JsonObject
        {
            ["schema_id"] = "default", ["state"] = "inactive",
            ["traits"] = new JsonObject { ["email"] = changedEmail },
        });
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        var address = changed.Json["verifiable_addresses"]!.AsArray().Single()!;
        Assert.Equal(changedEmail, address["value"]!.GetValue<string>());
        Assert.False(address["verified"]!.GetValue<bool>());
        Assert.Equal("inactive", changed.Json["state"]!.GetValue<string>());
        // The password identifier follows the email.
        Assert.Equal(changedEmail, changed.Json["credentials"]!["password"]!["identifiers"]![0]!.GetValue<string>());
        Assert.Equal(0, await CountByIdentifier(email));

        var noState = await Admin.Put($"/admin/identities/{id}", new JsonObject { ["schema_id"] = "default", ["traits"] = new JsonObject { ["email"] = changedEmail } });
        Assert.Equal(HttpStatusCode.BadRequest, noState.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.Put($"/admin/identities/{Guid.NewGuid()}", same.Json)).Status);
    }

    [Fact]
    public async Task Json_patch_changes_traits_and_metadata_and_refuses_read_only_fields()
    {
        var created = await Create(Body(NewEmail()));
        var id = created["id"]!.GetValue<string>();
        var newEmail = NewEmail();
        var patched = await Admin.Patch($"/admin/identities/{id}", JsonNode.Parse($$$"""
            [
              {"op":"replace","path":"/traits/email","value":"{{{newEmail}}}"},
              {"op":"add","path":"/metadata_public","value":{"tier":"gold"}},
              {"op":"remove","path":"/traits/name/last"}
            ]
            """));
        Assert.Equal(HttpStatusCode.OK, patched.Status);
        Assert.Equal(newEmail, patched.Json["traits"]!["email"]!.GetValue<string>());
        Assert.Equal("gold", patched.Json["metadata_public"]!["tier"]!.GetValue<string>());
        Assert.Null(patched.Json["traits"]!["name"]!["last"]);
        Assert.Equal(newEmail, patched.Json["verifiable_addresses"]![0]!["value"]!.GetValue<string>());

        foreach (var (body, reason) in new[]
        {
            ("""[{"op":"replace","path":"/id","value":"00000000-0000-0000-0000-000000000000"}]""", "`id` cannot be changed"),
            ("""[{"op":"remove","path":"/credentials"}]""", "`credentials` cannot be changed"),
            ("""[{"op":"replace","path":"/traits/email","value":"broken"}]""", "do not match the identity schema"),
            ("""[{"op":"jump","path":"/traits"}]""", "unsupported operation: jump"),
            ("""[{"op":"remove","path":"/traits/nothing"}]""", "does not exist"),
            ("""{"op":"remove"}""", "must be an array"),
            ("""[{"op":"test","path":"/state","value":"inactive"}]""", "unsupported operation: test"),
        })
        {
            var reply = await Admin.PatchRaw($"/admin/identities/{id}", body);
            Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{body} answered {reply.Code}");
            var error = reply.Json["error"]!;
            Assert.Contains(reason, error["reason"]!.GetValue<string>() + " " + error["message"]!.GetValue<string>());
        }
        // Nothing of the refused patches was stored.
        var after = await Admin.Get($"/admin/identities/{id}");
        Assert.Equal(newEmail, after.Json["traits"]!["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_removes_the_identity_and_its_identifiers()
    {
        var email = NewEmail();
        var created = await Create(Body(email));
        var id = created["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.Delete($"/admin/identities/{id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.Get($"/admin/identities/{id}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.Delete($"/admin/identities/{id}")).Status);
        // The identifier is free again.
        await Create(Body(email));
    }

    [Fact]
    public async Task Deleting_credentials_by_type()
    {
        var body = Body(NewEmail());
        body["credentials"]!["oidc"] = JsonNode.Parse("""{"config":{"providers":[{"provider":"github","subject":"123"},{"provider":"google","subject":"abc"}]}}""");
        var created = await Create(body);
        var id = created["id"]!.GetValue<string>();
        Assert.Equal(["github:123", "google:abc"], created["credentials"]!["oidc"]!["identifiers"]!.AsArray().Select(n => n!.GetValue<string>()).Order());

        Assert.Equal(HttpStatusCode.BadRequest, (await Admin.Delete($"/admin/identities/{id}/credentials/password")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Admin.Delete($"/admin/identities/{id}/credentials/oidc")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Admin.Delete($"/admin/identities/{id}/credentials/totp")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await Admin.Delete($"/admin/identities/{id}/credentials/oidc?identifier=github:123")).Status);
        var after = await Admin.Get($"/admin/identities/{id}");
        Assert.Equal(["google:abc"], after.Json["credentials"]!["oidc"]!["identifiers"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task Batch_creates_each_item_on_its_own()
    {
        var first = NewEmail();
        var body = new JsonObject
        {
            ["identities"] = new JsonArray(
                new JsonObject { ["patch_id"] = "p1", ["create"] = Body(first) },
                new JsonObject { ["patch_id"] = "p2", ["create"] = new JsonObject { ["schema_id"] = "default", ["traits"] = new JsonObject { ["email"] = "broken" } } },
                new JsonObject { ["patch_id"] = "p3", ["create"] = Body(first) },
                new JsonObject { ["patch_id"] = "p4", ["create"] = Body(NewEmail()) }),
        };
        var reply = await Admin.Patch("/admin/identities", body);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var results = reply.Json["identities"]!.AsArray();
        Assert.Equal(["create", "error", "error", "create"], results.Select(r => r!["action"]!.GetValue<string>()));
        Assert.Equal(["p1", "p2", "p3", "p4"], results.Select(r => r!["patch_id"]!.GetValue<string>()));
        Assert.Equal(400, results[1]!["error"]!["code"]!.GetValue<int>());
        Assert.Equal(409, results[2]!["error"]!["code"]!.GetValue<int>());
        Assert.Equal(1, await CountByIdentifier(first));

        var tooMany = new JsonObject { ["identities"] = new JsonArray(Enumerable.Range(0, 2001).Select(_ => (JsonNode)new JsonObject()).ToArray()) };
        Assert.Equal(HttpStatusCode.BadRequest, (await Admin.Patch("/admin/identities", tooMany)).Status);
    }

    [Fact]
    public async Task The_admin_api_is_not_on_the_public_listener()
    {
        var reply = await fixture.Public.Get("/admin/identities");
        Assert.Equal(HttpStatusCode.NotFound, reply.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Public.Post("/admin/identities", Body(NewEmail()))).Status);
    }
}
