using YamlDotNet.RepresentationModel;

namespace Orchestrator.Environments.Internal;

/// <summary>Reads the <c>nodes</c> list into drafts that keep each field's position for the cross-node rules.</summary>
internal static class NodeListReader
{
    private static readonly string[] NodeKeys = ["name", "role", "host", "port", "source", "sync", "image"];

    public static List<NodeDraft> Read(YamlMappingNode root, YamlReader reader)
    {
        var nodesNode = YamlReader.Get(root, "nodes");
        if (nodesNode is null)
        {
            reader.Error(root, "missing required key 'nodes' (list the primary and its replicas, or the environment's 'shards')");
            return [];
        }

        return ReadList(nodesNode, reader, portRequired: true);
    }

    /// <param name="portRequired">False in a shard template, whose ports are derived: a port there is refused.</param>
    public static List<NodeDraft> ReadList(YamlNode nodesNode, YamlReader reader, bool portRequired)
    {
        var drafts = new List<NodeDraft>();
        if (nodesNode is not YamlSequenceNode sequence || sequence.Children.Count == 0)
        {
            reader.Error(nodesNode, "'nodes' must be a non-empty list of nodes, each with name, role and port");
            return drafts;
        }

        var index = 0;
        foreach (var item in sequence.Children)
        {
            index++;
            if (reader.Mapping(item, $"node #{index}") is not { } map)
            {
                continue;
            }

            var context = $"node #{index}";
            reader.RejectUnknownKeys(map, context, NodeKeys);
            var name = reader.String(map, "name", context, required: true);
            if (name is not null && !Names.Node().IsMatch(name))
            {
                // The name stays, so that later messages about this node can say which one it is.
                reader.Error(YamlReader.Get(map, "name")!, $"node name '{name}' must start with a lowercase letter and use only lowercase letters, digits and '-' (at most 40)");
            }

            var roleText = reader.String(map, "role", context, required: true);
            NodeRole? role = roleText switch
            {
                null => null,
                "primary" => NodeRole.Primary,
                "replica" => NodeRole.Replica,
                _ => null,
            };
            if (roleText is not null && role is null)
            {
                reader.Error(YamlReader.Get(map, "role")!, $"unknown role '{roleText}' (expected one of: primary, replica)");
            }

            var host = reader.String(map, "host", context, required: false) ?? "127.0.0.1";
            if (!Names.Host().IsMatch(host))
            {
                reader.Error(YamlReader.Get(map, "host")!, $"host '{host}' is not an IP address or host name");
            }

            int? port = null;
            if (portRequired)
            {
                port = reader.Int(map, "port", context, required: true, 1, 65535);
            }
            else if (YamlReader.Get(map, "port") is { } given)
            {
                reader.Error(given, "a shard template's nodes take their ports from the template's 'port' (each shard the next block); remove 'port' here");
            }

            var source = reader.String(map, "source", context, required: false);
            var sync = reader.Bool(map, "sync", context) ?? false;
            SourceLocation At(string key) => YamlReader.Get(map, key) is { } n ? reader.At(n) : reader.At(map);
            var image = reader.String(map, "image", context, required: false);
            if (image is not null && !Names.Image().IsMatch(image))
            {
                reader.Error(YamlReader.Get(map, "image")!, Names.NotAnImage(image));
            }

            drafts.Add(new NodeDraft(name, At("name"), role, At("role"), host, At("host"), port, At("port"), source, At("source"), sync, At("sync"), reader.At(map)) { Image = image });
        }

        return drafts;
    }
}
