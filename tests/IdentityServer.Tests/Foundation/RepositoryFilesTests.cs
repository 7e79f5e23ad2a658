using IdentityServer.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace IdentityServer.Tests.Foundation;

/// <summary>There is no Docker engine on the test machines: check the compose file statically.</summary>
public class RepositoryFilesTests
{
    [Fact]
    public void Docker_compose_parses_and_every_file_it_references_exists()
    {
        var root = TestPaths.RepoRoot;
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(root, "docker-compose.yml"))));
        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
        Assert.Contains(services.Children.Keys, k => ((YamlScalarNode)k).Value == "postgres");
        var checkedFiles = 0;
        foreach (var (_, node) in services.Children)
        {
            var service = (YamlMappingNode)node;
            if (service.Children.TryGetValue(new YamlScalarNode("build"), out var build))
            {
                var context = Path.Combine(root, ((YamlScalarNode)build).Value!);
                Assert.True(File.Exists(Path.Combine(context, "Dockerfile")), "the build context has no Dockerfile");
                checkedFiles++;
            }
            if (service.Children.TryGetValue(new YamlScalarNode("volumes"), out var volumes))
            {
                foreach (YamlScalarNode volume in ((YamlSequenceNode)volumes).Children.Cast<YamlScalarNode>())
                {
                    var host = volume.Value!.Split(':')[0];
                    Assert.True(Directory.Exists(Path.Combine(root, host)) || File.Exists(Path.Combine(root, host)), $"{host} is mounted but does not exist");
                    checkedFiles++;
                }
            }
            if (service.Children.TryGetValue(new YamlScalarNode("command"), out var command))
            {
                var args = ((YamlSequenceNode)command).Children.Cast<YamlScalarNode>().Select(a => a.Value!).ToList();
                var c = args.IndexOf("-c");
                if (c >= 0)
                {
                    Assert.True(File.Exists(Path.Combine(root, args[c + 1])), $"{args[c + 1]} is passed with -c but does not exist");
                    checkedFiles++;
                }
            }
        }
        Assert.True(checkedFiles >= 5);
        // What the Dockerfile copies must exist too.
        foreach (var line in File.ReadAllLines(Path.Combine(root, "Dockerfile")).Where(l => l.StartsWith("COPY ") && !l.Contains("--from")))
        {
            var source = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            Assert.True(source == "." || Directory.Exists(Path.Combine(root, source)), $"the Dockerfile copies {source}, which does not exist");
        }
    }
}
