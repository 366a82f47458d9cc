using Docker.DotNet;

namespace Orchestrator.Hosts.Docker;

/// <summary>
/// The Docker Engine the docker provider talks to: DOCKER_HOST when set, else the local socket.
/// Requests use unversioned paths, so the engine answers in its own API version (1.41 on
/// Debian 12's, the current one on newer engines).
/// </summary>
internal static class DockerEngine
{
    public static async Task<DockerClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var configured = System.Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : null;
        var endpoint = configured ?? "unix:///var/run/docker.sock";
        DockerClient client;
        try
        {
            client = new DockerClientBuilder().WithEndpoint(new Uri(endpoint)).Build();
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or InvalidOperationException or NotSupportedException or DockerConfigurationException or SshDockerEndpointNotSupportedException)
        {
            throw new LocalProviderException(
                $"DOCKER_HOST is '{endpoint}', which this tool cannot use ({e.Message}). Set it to unix:///path/to/docker.sock or tcp://HOST:PORT, or unset it for /var/run/docker.sock.");
        }

        try
        {
            await client.System.PingAsync(cancellationToken);
            return client;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            var reason = (e as AggregateException)?.InnerException?.Message ?? e.Message;
            throw new LocalProviderException(
                $"the Docker engine at {endpoint}{(configured is null ? "" : " (DOCKER_HOST)")} does not answer ({reason}). Start it (dockerd, or Docker Desktop), or set DOCKER_HOST; scripts/setup.sh starts one on Debian.");
        }
    }
}
