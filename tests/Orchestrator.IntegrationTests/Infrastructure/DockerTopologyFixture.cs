namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>One docker environment (primary, replica-1, replica-2 cascading) shared by the tests of the docker collection.</summary>
public sealed class DockerTopologyFixture : IAsyncLifetime
{
    private DockerTestEnvironment? _environment;

    public DockerTestEnvironment Environment => _environment ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _environment = await DockerTestEnvironment.StartAsync("it-docker");

    public async Task DisposeAsync()
    {
        if (_environment is not null)
        {
            await _environment.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DockerCollection : ICollectionFixture<DockerTopologyFixture>
{
    public const string Name = "docker topology";
}
