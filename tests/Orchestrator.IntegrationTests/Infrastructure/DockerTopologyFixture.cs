using Orchestrator.Environments;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>One docker environment (primary, replica-1, replica-2 cascading) shared by the tests of a docker collection.</summary>
public abstract class DockerTopologyFixture : IAsyncLifetime
{
    private readonly EngineKind _engine;
    private readonly string _name;

    private protected DockerTopologyFixture(EngineKind engine, string name)
    {
        _engine = engine;
        _name = name;
    }

    private DockerTestEnvironment? _environment;

    internal DockerTestEnvironment Environment => _environment ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _environment = await DockerTestEnvironment.StartAsync(_name, engine: _engine);

    public async Task DisposeAsync()
    {
        if (_environment is not null)
        {
            await _environment.DisposeAsync();
        }
    }
}

public sealed class DockerPostgresTopologyFixture() : DockerTopologyFixture(EngineKind.Postgres, "it-docker");

public sealed class DockerMariaDbTopologyFixture() : DockerTopologyFixture(EngineKind.MariaDb, "it-docker-maria");

[CollectionDefinition(Name)]
public sealed class DockerPostgresCollection : ICollectionFixture<DockerPostgresTopologyFixture>
{
    public const string Name = "docker postgres topology";
}

[CollectionDefinition(Name)]
public sealed class DockerMariaDbCollection : ICollectionFixture<DockerMariaDbTopologyFixture>
{
    public const string Name = "docker mariadb topology";
}
