using System.Text.Json;
using Orchestrator.State;

namespace Orchestrator.Hosts.Docker;

/// <summary>
/// The subnet of a docker environment's network, kept in the state directory
/// (<c>STATE/docker-network.json</c>) so that commands which only connect (status) can tell which
/// node a replica's source address is without asking the engine.
/// </summary>
internal static class DockerNetworkRecord
{
    private sealed record Content(string Subnet);

    public static string FileOf(StateLayout state) => Path.Combine(state.Root, "docker-network.json");

    public static void Save(StateLayout state, string subnet) =>
        File.WriteAllText(FileOf(state), JsonSerializer.Serialize(new Content(subnet)));

    public static string? Load(StateLayout state)
    {
        try
        {
            return JsonSerializer.Deserialize<Content>(File.ReadAllText(FileOf(state)))?.Subnet;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }
}
