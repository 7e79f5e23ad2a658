using System.Text.Json.Nodes;
using IdentityServer.Identities.Schemas;

namespace IdentityServer.Tests.Schemas;

public class TraitsNodeBuilderTests
{
    [Fact]
    public void Email_password_schema_gives_email_and_name_inputs()
    {
        var schema = SchemaFactory.Shipped("email-password.schema.json");
        var nodes = TraitsNodeBuilder.Build(schema, JsonNode.Parse("""{"email":"a@example.com","name":{"first":"Ada"}}"""));

        Assert.Equal(["traits.email", "traits.name.first", "traits.name.last"], nodes.Select(n => n.Name));

        var email = nodes[0];
        Assert.Equal("email", email.Type);
        Assert.True(email.Required);
        Assert.Equal("email", email.Autocomplete);
        Assert.Equal(1070002, email.Label!.Id);
        Assert.Equal("E-Mail", email.Label.Text);
        Assert.Equal("traits.email", email.Label.Context!["name"]!.GetValue<string>());
        Assert.Equal("a@example.com", email.Value!.GetValue<string>());

        var first = nodes[1];
        Assert.Equal("text", first.Type);
        Assert.False(first.Required);
        Assert.Equal("Ada", first.Value!.GetValue<string>());
        Assert.Null(nodes[2].Value);
    }

    [Fact]
    public void Input_types_follow_json_types_and_formats()
    {
        var schema = SchemaFactory.WithTraits("""
            {"type":"object","properties":{
              "phone":{"type":"string","format":"tel"},
              "age":{"type":"integer"},
              "height":{"type":"number"},
              "newsletter":{"type":"boolean","title":"Newsletter"},
              "birthday":{"type":"string","format":"date"},
              "seen":{"type":"string","format":"date-time"},
              "website":{"type":"string","format":"uri"},
              "color":{"type":"string","enum":["red","green"]},
              "code":{"type":"string","pattern":"^[0-9]+$"},
              "tags":{"type":"array","items":{"type":"string"}},
              "addresses":{"type":"array","items":{"type":"object"}},
              "plan":{"const":"free"}},
             "required":["age"]}
            """);
        var nodes = TraitsNodeBuilder.Build(schema, null).ToDictionary(n => n.Name);

        Assert.Equal("tel", nodes["traits.phone"].Type);
        Assert.Equal("tel", nodes["traits.phone"].Autocomplete);
        Assert.Equal("number", nodes["traits.age"].Type);
        Assert.True(nodes["traits.age"].Required);
        Assert.Equal("number", nodes["traits.height"].Type);
        Assert.Equal("checkbox", nodes["traits.newsletter"].Type);
        Assert.Equal("Newsletter", nodes["traits.newsletter"].Label!.Text);
        Assert.Equal("date", nodes["traits.birthday"].Type);
        Assert.Equal("datetime-local", nodes["traits.seen"].Type);
        Assert.Equal("url", nodes["traits.website"].Type);
        Assert.Equal(["red", "green"], nodes["traits.color"].Options!.Select(o => o!.GetValue<string>()));
        Assert.Equal("^[0-9]+$", nodes["traits.code"].Pattern);
        Assert.Equal("text", nodes["traits.tags"].Type);
        Assert.False(nodes.ContainsKey("traits.addresses"));
        Assert.Equal("text", nodes["traits.plan"].Type);
        Assert.Null(nodes["traits.age"].Label);
    }

    [Fact]
    public void Referenced_and_combined_properties_are_included_once()
    {
        var schema = SchemaFactory.FromDocument("""
            {"definitions":{"email":{"type":"string","format":"email","title":"Mail"}},
             "type":"object","properties":{"traits":{"type":"object",
               "properties":{"email":{"$ref":"#/definitions/email"}},
               "allOf":[{"properties":{"nickname":{"type":"string"}}},{"properties":{"email":{"type":"string"}}}],
               "required":["email"]}}}
            """);
        var nodes = TraitsNodeBuilder.Build(schema, null);
        Assert.Equal(["traits.email", "traits.nickname"], nodes.Select(n => n.Name).Order());
        var email = nodes.Single(n => n.Name == "traits.email");
        Assert.Equal("email", email.Type);
        Assert.Equal("Mail", email.Label!.Text);
        Assert.True(email.Required);
    }
}
