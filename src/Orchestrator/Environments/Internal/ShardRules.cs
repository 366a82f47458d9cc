
namespace Orchestrator.Environments.Internal;

/// <summary>
/// Rules across the shards of an environment: unique shard names and addresses across every shard,
/// and within each shard the rules of one topology (one primary, sources inside the shard, no cycles).
/// </summary>
internal static class ShardRules
{
    public static void Check(IReadOnlyList<ShardDraft> shards, EngineKind? engine, ProviderKind provider, YamlReader reader)
    {
        foreach (var group in shards.Where(s => s.Name is not null).GroupBy(s => s.Name!).Where(g => g.Count() > 1))
        {
            foreach (var duplicate in group.Skip(1))
            {
                reader.Error(duplicate.NameAt, $"duplicate shard name '{group.Key}' (first used at line {group.First().NameAt.Line}); each shard needs its own");
            }
        }

        for (var i = 0; i < shards.Count; i++)
        {
            var shard = shards[i];
            TopologyRules.Check(shard.Nodes, engine, provider, reader);
            if (shard.Nodes.Count > 0 && !shard.Nodes.Any(n => n.Role == NodeRole.Primary))
            {
                reader.Error(shard.At, $"shard {Label(shard, i)} has no node with role: primary; each shard needs exactly one primary");
            }
        }

        // Addresses are unique across shards: two shards on one server would share its replicas.
        var seen = new Dictionary<string, (int Shard, SourceLocation At)>();
        for (var i = 0; i < shards.Count; i++)
        {
            var inThisShard = new HashSet<string>();
            foreach (var node in shards[i].Nodes.Where(n => n.Port is not null))
            {
                var address = $"{node.Host}:{node.Port}";

                // A second use inside one shard is the shard's own rules' to report.
                if (!inThisShard.Add(address))
                {
                    continue;
                }

                if (!seen.TryAdd(address, (i, node.PortAt)) && seen[address].Shard != i)
                {
                    var first = seen[address];
                    reader.Error(node.PortAt, $"duplicate address '{address}' in shard {Label(shards[i], i)} (also a node of shard {Label(shards[first.Shard], first.Shard)}, line {first.At.Line}); each node needs its own");
                }
            }
        }
    }

    private static string Label(ShardDraft shard, int index) => shard.Name is null ? $"#{index + 1}" : $"'{shard.Name}'";
}
