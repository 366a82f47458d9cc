using System.Text.Json;
using Orchestrator.Environments;

namespace Orchestrator.Local;

/// <summary>
/// Which environment a state directory belongs to (STATE/environment.json), so that one
/// environment's commands never act on another's servers: they would find its nodes, its
/// passwords and its ports.
/// </summary>
internal sealed record StateOwner(string Name, string Engine, string File)
{
    public static void Check(StateLayout state, EnvironmentDefinition environment)
    {
        if (Read(state) is { } owner && (owner.Name != environment.Name || owner.Engine != environment.Engine.ToText()))
        {
            throw new StateDirectoryConflictException(
                $"state directory {state.Root} belongs to environment '{owner.Name}' ({owner.Engine}, {owner.File}), not to '{environment.Name}' ({environment.Engine.ToText()}, {environment.FilePath}); " +
                $"give '{environment.Name}' a state directory of its own (--state-dir or ORCHESTRATOR_STATE_DIR)");
        }
    }

    /// <summary>Marks the directory as <paramref name="environment"/>'s, once it holds something of it.</summary>
    public static void Claim(StateLayout state, EnvironmentDefinition environment)
    {
        if (Read(state) is null)
        {
            Directory.CreateDirectory(state.Root);
            System.IO.File.WriteAllText(state.OwnerFile, JsonSerializer.Serialize(new StateOwner(environment.Name, environment.Engine.ToText(), environment.FilePath)));
        }
    }

    private static StateOwner? Read(StateLayout state)
    {
        try
        {
            return System.IO.File.Exists(state.OwnerFile) ? JsonSerializer.Deserialize<StateOwner>(System.IO.File.ReadAllText(state.OwnerFile)) : null;
        }
        catch (JsonException e)
        {
            throw new LocalProviderException($"{state.OwnerFile} is damaged ({e.Message}); it should name the environment whose state this directory holds");
        }
    }
}

/// <summary>A state directory belongs to another environment; nothing was done.</summary>
public sealed class StateDirectoryConflictException(string message) : Exception(message);
