using System.Net;

namespace Orchestrator.Environments.Internal;

/// <summary>Rules that relate nodes to each other: one primary, unique names and addresses, sources that lead to the primary.</summary>
internal static class TopologyRules
{
    public static void Check(IReadOnlyList<NodeDraft> nodes, EngineKind? engine, ProviderKind? provider, YamlReader reader)
    {
        var primaries = nodes.Where(n => n.Role == NodeRole.Primary).ToList();
        if (primaries.Count > 1)
        {
            foreach (var extra in primaries.Skip(1))
            {
                reader.Error(extra.RoleAt, $"node '{extra.Name}' is a second primary ('{primaries[0].Name}' is already primary); an environment has exactly one primary, make the others role: replica");
            }
        }

        CheckUnique(nodes.Where(n => n.Name is not null), n => n.Name!, n => n.NameAt, "node name", reader);
        CheckUnique(nodes.Where(n => n.Port is not null), n => $"{n.Host}:{n.Port}", n => n.PortAt, "address", reader);

        var byName = nodes.Where(n => n.Name is not null).GroupBy(n => n.Name!).ToDictionary(g => g.Key, g => g.First());
        foreach (var node in nodes)
        {
            CheckSource(node, byName, reader);
            CheckSync(node, byName, engine, provider, reader);
            if (provider == ProviderKind.Local && !IsLoopback(node.Host))
            {
                reader.Error(node.HostAt, $"node '{node.Name}' has host '{node.Host}', but a local environment only listens on loopback addresses (127.0.0.0/8 or ::1)");
            }

            if (provider == ProviderKind.Docker && !IsLoopback(node.Host))
            {
                reader.Error(node.HostAt, $"node '{node.Name}' has host '{node.Host}', but a docker environment publishes its nodes' ports on loopback addresses only (127.0.0.0/8 or ::1)");
            }

            if (provider != ProviderKind.Docker && node.Image is not null)
            {
                reader.Error(node.At, $"node '{node.Name}' has an 'image', which applies only to provider docker, whose nodes run in containers");
            }
        }

        CheckCycles(nodes, byName, reader);
    }

    private static void CheckUnique(IEnumerable<NodeDraft> nodes, Func<NodeDraft, string> key, Func<NodeDraft, SourceLocation> at, string what, YamlReader reader)
    {
        foreach (var group in nodes.GroupBy(key).Where(g => g.Count() > 1))
        {
            var first = at(group.First());
            foreach (var duplicate in group.Skip(1))
            {
                reader.Error(at(duplicate), $"duplicate {what} '{group.Key}' (first used at line {first.Line}); each node needs its own");
            }
        }
    }

    private static void CheckSource(NodeDraft node, Dictionary<string, NodeDraft> byName, YamlReader reader)
    {
        if (node.Role == NodeRole.Primary && node.Source is not null)
        {
            reader.Error(node.SourceAt, $"primary '{node.Name}' cannot have a source; remove 'source' or make it role: replica");
        }
        else if (node.Role == NodeRole.Replica && node.Source is null)
        {
            reader.Error(node.At, $"missing required key 'source' in replica '{node.Name}' (name the node it replicates from)");
        }
        else if (node.Role == NodeRole.Replica && node.Source == node.Name)
        {
            reader.Error(node.SourceAt, $"replica '{node.Name}' cannot replicate from itself");
        }
        else if (node.Source is not null && !byName.ContainsKey(node.Source))
        {
            var hint = Names.ClosestMatch(node.Source, byName.Keys) is { } guess ? $" (did you mean '{guess}'?)" : "";
            reader.Error(node.SourceAt, $"replica '{node.Name}' has source '{node.Source}', but there is no node with that name{hint}");
        }
    }

    private static void CheckSync(NodeDraft node, Dictionary<string, NodeDraft> byName, EngineKind? engine, ProviderKind? provider, YamlReader reader)
    {
        if (!node.Sync)
        {
            return;
        }

        if (node.Role == NodeRole.Primary)
        {
            reader.Error(node.SyncAt, $"'sync' applies to replicas; primary '{node.Name}' cannot be synchronous");
        }
        else if (engine == EngineKind.MariaDb && provider == ProviderKind.External)
        {
            // Semi-synchronous replication is a setting of both servers, which only the tool's own servers get from this file.
            reader.Error(node.SyncAt, $"'sync: true' on '{node.Name}' needs semi-synchronous replication set on servers this tool does not run (provider external); set it on the servers themselves and remove 'sync' here");
        }
        else if (node.Source is not null && byName.TryGetValue(node.Source, out var source) && source.Role != NodeRole.Primary)
        {
            reader.Error(node.SyncAt, $"replica '{node.Name}' replicates from '{node.Source}', another replica; only direct replicas of the primary can be synchronous");
        }
    }

    private static void CheckCycles(IReadOnlyList<NodeDraft> nodes, Dictionary<string, NodeDraft> byName, YamlReader reader)
    {
        var reported = new HashSet<string>();
        foreach (var start in nodes.Where(n => n.Role == NodeRole.Replica && n.Name is not null && n.Source != n.Name))
        {
            var path = new List<string> { start.Name! };
            var current = start;
            while (current.Source is { } source && byName.TryGetValue(source, out var next) && next.Role == NodeRole.Replica)
            {
                var seenAt = path.IndexOf(next.Name!);
                if (seenAt >= 0)
                {
                    var cycle = path.Skip(seenAt).Append(next.Name!).ToList();
                    if (seenAt == 0 && reported.Add(string.Join(",", cycle.Skip(1).Order())))
                    {
                        reader.Error(start.SourceAt, $"replication cycle: {string.Join(" -> ", cycle)}; every chain of sources must lead to the primary");
                    }

                    break;
                }

                path.Add(next.Name!);
                current = next;
            }
        }
    }

    private static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
