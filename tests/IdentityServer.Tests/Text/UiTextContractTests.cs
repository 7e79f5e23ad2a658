using System.Text.Json;
using System.Text.Json.Nodes;
using IdentityServer.Tests.Schemas;
using IdentityServer.Text;

namespace IdentityServer.Tests.Text;

public class UiTextContractTests
{
    [ReferenceFact]
    public void Serialized_messages_use_only_fields_of_the_api_uiText_schema()
    {
        var api = JsonNode.Parse(File.ReadAllText(SchemaTestFiles.Reference("kratos", "api.json")))!;
        var uiText = api["components"]!["schemas"]!["uiText"]!;
        var allowed = uiText["properties"]!.AsObject().Select(p => p.Key).ToHashSet();
        var required = uiText["required"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        var types = uiText["properties"]!["type"]!["enum"]!.AsArray().Select(t => t!.GetValue<string>()).ToHashSet();

        foreach (var message in new[] { Messages.ValidationRequired("email"), Messages.NodeLabelSave(), Messages.SettingsUpdateSuccess() })
        {
            var json = JsonNode.Parse(JsonSerializer.Serialize(message))!.AsObject();
            Assert.All(json.Select(p => p.Key), key => Assert.Contains(key, allowed));
            Assert.All(required, key => Assert.True(json.ContainsKey(key), key));
            Assert.Contains(json["type"]!.GetValue<string>(), types);
            Assert.Equal(JsonValueKind.Number, json["id"]!.GetValueKind());
        }
    }
}
