using Docker.DotNet;
using Orchestrator.Local;

namespace Orchestrator.Docker;

/// <summary>
/// The Docker Engine the docker provider talks to: DOCKER_HOST when set, else the local socket.
/// Requests use unversioned paths, so the engine answers in its own API version (1.41 on
/// Debian 12's, the current one on newer engines).
/// </summary>
public static class DockerEngine
{
    public static async Task<DockerClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var endpoint = System.Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";
        var client = new DockerClientBuilder().WithEndpoint(new Uri(endpoint)).Build();
        try
        {
            await client.System.PingAsync(cancellationToken);
            return client;
        }
        catch (Exception e) when (e is HttpRequestException or DockerApiException or IOException or System.Net.Sockets.SocketException or TimeoutException)
        {
            client.Dispose();
            throw new LocalProviderException(
                $"the Docker engine at {endpoint} does not answer ({e.Message}). Start it (dockerd, or Docker Desktop), or set DOCKER_HOST; scripts/setup.sh starts one on Debian.");
        }
    }
}
