using System.Text.Json;
using Orchestrator.Environments;

namespace Orchestrator.State;

/// <summary>
/// Which environment's servers a state directory holds (STATE/environment.json): the engine and
/// each node's endpoint. Several environment files may describe the same servers (one per
/// database, say) and share the directory; a file whose nodes are elsewhere is refused, since
/// its commands would find another environment's data directories, passwords and processes.
/// </summary>
internal sealed record StateOwner(string Name, string Engine, string File, IReadOnlyDictionary<string, string> Nodes)
{
    public static void Check(StateLayout state, EnvironmentDefinition environment)
    {
        if (Read(state) is not { } owner || Conflict(owner, environment) is not { } why)
        {
            return;
        }

        throw new StateDirectoryConflictException(
            $"state directory {state.Root} belongs to environment '{owner.Name}' ({owner.Engine}, {owner.File}), not to '{environment.Name}' ({environment.Engine.ToText()}, {environment.FilePath}): {why}. " +
            $"Give '{environment.Name}' a state directory of its own (--state-dir or ORCHESTRATOR_STATE_DIR)");
    }

    /// <summary>Records the directory as holding <paramref name="environment"/>'s servers; nodes added to the file since are added.</summary>
    public static void Claim(StateLayout state, EnvironmentDefinition environment)
    {
        var owner = Read(state);
        var nodes = new Dictionary<string, string>(owner?.Nodes ?? new Dictionary<string, string>());
        foreach (var node in environment.Nodes)
        {
            nodes.TryAdd(node.Name, node.Endpoint);
        }

        if (owner is null || nodes.Count != owner.Nodes.Count)
        {
            Directory.CreateDirectory(state.Root);
            var record = owner is null
                ? new StateOwner(environment.Name, environment.Engine.ToText(), environment.FilePath, nodes)
                : owner with { Nodes = nodes };
            var temporary = state.OwnerFile + ".tmp";
            System.IO.File.WriteAllText(temporary, JsonSerializer.Serialize(record));
            System.IO.File.Move(temporary, state.OwnerFile, overwrite: true);
        }
    }

    /// <summary>Why <paramref name="environment"/> does not describe the servers recorded here, or null when it does.</summary>
    private static string? Conflict(StateOwner owner, EnvironmentDefinition environment)
    {
        if (owner.Engine != environment.Engine.ToText())
        {
            return $"its servers are {owner.Engine}";
        }

        var shared = environment.Nodes.Where(n => owner.Nodes.ContainsKey(n.Name)).ToList();
        if (shared.Count == 0)
        {
            return $"none of its nodes ({string.Join(", ", owner.Nodes.Keys)}) is in '{environment.Name}'";
        }

        return shared.FirstOrDefault(n => owner.Nodes[n.Name] != n.Endpoint) is { } moved
            ? $"its node '{moved.Name}' is {owner.Nodes[moved.Name]}, '{environment.Name}' says {moved.Endpoint}"
            : null;
    }

    private static StateOwner? Read(StateLayout state)
    {
        try
        {
            return System.IO.File.Exists(state.OwnerFile) ? JsonSerializer.Deserialize<StateOwner>(System.IO.File.ReadAllText(state.OwnerFile)) : null;
        }
        catch (JsonException e)
        {
            throw new LocalProviderException($"{state.OwnerFile} is damaged ({e.Message}); it should name the environment whose servers this directory holds");
        }
    }
}

/// <summary>A state directory holds another environment's servers; nothing was done.</summary>
internal sealed class StateDirectoryConflictException(string message) : Exception(message);
