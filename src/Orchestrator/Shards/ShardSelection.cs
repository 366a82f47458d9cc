using Orchestrator.Environments;
using Orchestrator.Environments.Internal;

namespace Orchestrator.Shards;

/// <summary>An unknown shard name, or --shard on an environment without shards: bad input.</summary>
internal sealed class ShardSelectionException(string message) : Exception(message);

/// <summary>Which shards of an environment a command acts on: the ones named by --shard, else every one, in the file's order.</summary>
internal static class ShardSelection
{
    /// <exception cref="ShardSelectionException">A name is not a shard of the environment, or the environment has none.</exception>
    public static IReadOnlyList<EnvironmentDefinition> Select(EnvironmentDefinition environment, IReadOnlyCollection<string> names)
    {
        if (!environment.IsSharded)
        {
            if (names.Count > 0)
            {
                throw new ShardSelectionException($"environment '{environment.Name}' has no shards; remove --shard");
            }

            return [environment];
        }

        var known = environment.Shards.Select(s => s.Name).ToList();
        foreach (var name in names.Where(n => !known.Contains(n)))
        {
            var hint = Names.ClosestMatch(name, known) is { } guess ? $" (did you mean '{guess}'?)" : "";
            throw new ShardSelectionException($"environment '{environment.Name}' has no shard '{name}'{hint}; its shards are {string.Join(", ", known)}");
        }

        return names.Count == 0
            ? environment.Shards.Select(s => environment.Shard(s.Name)).ToList()
            : environment.Shards.Where(s => names.Contains(s.Name)).Select(s => environment.Shard(s.Name)).ToList();
    }

    /// <summary>For commands that act on one primary and its replicas: the environment itself, or the one shard named.</summary>
    /// <exception cref="ShardSelectionException">A sharded environment without exactly one --shard, or an unknown name.</exception>
    public static EnvironmentDefinition One(EnvironmentDefinition environment, IReadOnlyCollection<string> names)
    {
        if (environment.IsSharded && names.Count > 1)
        {
            throw new ShardSelectionException(
                $"this command acts on one primary and its replicas, so on one shard at a time; give --shard once (got {string.Join(", ", names)})");
        }

        if (environment.IsSharded && names.Count == 0)
        {
            throw new ShardSelectionException(
                $"this command acts on one primary and its replicas, so on one shard of the sharded environment '{environment.Name}': name it with --shard (one of {string.Join(", ", environment.Shards.Select(s => s.Name))})");
        }

        return Select(environment, names)[0];
    }
}
