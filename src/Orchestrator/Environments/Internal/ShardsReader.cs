using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Environments.Internal;

/// <summary>A shard as read from YAML, before the rules that relate nodes.</summary>
internal sealed record ShardDraft(string? Name, SourceLocation NameAt, string? Database, List<NodeDraft> Nodes, SourceLocation At);

/// <summary>
/// Reads <c>shards</c>: either a list of shards (name, optional database, nodes), or a template
/// (count, name with {n}, optional database with {n}, the first port, nodes without ports) that
/// generates shards 1..count, each taking the next block of ports.
/// </summary>
internal static class ShardsReader
{
    private const string Placeholder = "{n}";

    public static List<ShardDraft> Read(YamlNode shardsNode, YamlReader reader, ProviderKind provider, string environmentDatabase)
    {
        return shardsNode switch
        {
            YamlSequenceNode list when list.Children.Count > 0 => ReadList(list, reader, environmentDatabase),
            YamlMappingNode template => ReadTemplate(template, reader, provider, environmentDatabase),
            _ => Refuse(shardsNode, reader),
        };
    }

    private static List<ShardDraft> Refuse(YamlNode node, YamlReader reader)
    {
        reader.Error(node, "'shards' must be a non-empty list of shards (each with name and nodes) or a template (count, name, port, nodes)");
        return [];
    }

    private static List<ShardDraft> ReadList(YamlSequenceNode list, YamlReader reader, string environmentDatabase)
    {
        var shards = new List<ShardDraft>();
        var index = 0;
        foreach (var item in list.Children)
        {
            index++;
            var context = $"shard #{index}";
            if (reader.Mapping(item, context) is not { } map)
            {
                continue;
            }

            reader.RejectUnknownKeys(map, context, "name", "database", "nodes");
            var name = ShardName(reader.String(map, "name", context, required: true), map, reader);
            var database = Database(reader.String(map, "database", context, required: false), map, reader) ?? environmentDatabase;
            var nodes = YamlReader.Get(map, "nodes") is { } nodesNode ? NodeListReader.ReadList(nodesNode, reader, portRequired: true) : Missing(map, reader, context);
            shards.Add(new ShardDraft(name, At(map, "name", reader), database, nodes, reader.At(map)));
        }

        return shards;
    }

    private static List<ShardDraft> ReadTemplate(YamlMappingNode template, YamlReader reader, ProviderKind provider, string environmentDatabase)
    {
        const string Context = "'shards'";
        reader.RejectUnknownKeys(template, Context, "count", "name", "database", "port", "nodes");
        if (!provider.StartsServers())
        {
            reader.Error(template, "a shard template generates the tool's own shards (local or docker) on derived ports; list the shards of a provider: external environment one by one");
        }

        var count = reader.Int(template, "count", Context, required: true, 1, 256);
        var name = reader.String(template, "name", Context, required: false) ?? $"shard-{Placeholder}";
        var named = name.Contains(Placeholder, StringComparison.Ordinal);
        if (!named)
        {
            reader.Error(YamlReader.Get(template, "name")!, $"the template's shard name '{name}' needs {Placeholder}, the shard's number, so that every shard has a name of its own");
        }

        var database = reader.String(template, "database", Context, required: false);
        var firstPort = reader.Int(template, "port", Context, required: true, 1, 65535);
        var nodes = YamlReader.Get(template, "nodes") is { } nodesNode ? NodeListReader.ReadList(nodesNode, reader, portRequired: false) : Missing(template, reader, Context);
        if (count is null || firstPort is null || nodes.Count == 0)
        {
            return [];
        }

        if (firstPort + (count.Value * nodes.Count) - 1 > 65535)
        {
            reader.Error(YamlReader.Get(template, "port")!, $"{Counted.Of(count.Value, "shard")} of {Counted.Of(nodes.Count, "node")} from port {firstPort} run past port 65535; choose a lower port");
            return [];
        }

        // Names differ only in their number: the longest stands for all (one message, not one per shard).
        if (!named || ShardName(name.Replace(Placeholder, count.Value.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal), template, reader, reportAt: YamlReader.Get(template, "name")) is null)
        {
            return [];
        }

        var portAt = At(template, "port", reader);
        var shards = new List<ShardDraft>();
        for (var n = 1; n <= count; n++)
        {
            string Expand(string text) => text.Replace(Placeholder, n.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            var shardName = Expand(name);
            var shardDatabase = database is null ? environmentDatabase : Database(Expand(database), template, reader);
            var block = firstPort.Value + ((n - 1) * nodes.Count);
            var shardNodes = nodes.Select((node, i) => node with { Port = block + i, PortAt = portAt }).ToList();
            shards.Add(new ShardDraft(shardName, At(template, "name", reader), shardDatabase, shardNodes, reader.At(template)));
        }

        return shards;
    }

    private static string? ShardName(string? name, YamlMappingNode map, YamlReader reader, YamlNode? reportAt = null)
    {
        if (name is not null && !Names.Node().IsMatch(name))
        {
            reader.Error(reportAt ?? YamlReader.Get(map, "name")!, $"shard name '{name}' must start with a lowercase letter and use only lowercase letters, digits and '-' (at most 40)");
            return null;
        }

        return name;
    }

    private static string? Database(string? database, YamlMappingNode map, YamlReader reader)
    {
        if (database is not null && !Names.Identifier().IsMatch(database))
        {
            reader.Error(YamlReader.Get(map, "database")!, $"database name '{database}' must start with a letter or '_' and use only letters, digits and '_' (at most 32)");
            return null;
        }

        return database;
    }

    private static List<NodeDraft> Missing(YamlMappingNode map, YamlReader reader, string context)
    {
        reader.Error(map, $"missing required key 'nodes' in {context} (list the shard's primary and replicas)");
        return [];
    }

    private static SourceLocation At(YamlMappingNode map, string key, YamlReader reader) =>
        YamlReader.Get(map, key) is { } node ? reader.At(node) : reader.At(map);
}
