using Orchestrator.Environments;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>The shared PostgreSQL topology of the local collection, in containers (provider docker); replica-1 is synchronous there too.</summary>
public sealed class PostgresOnDockerFixture() : TopologyFixture(EngineKind.Postgres, "it-pgd", syncReplica: true, ProviderKind.Docker);

/// <summary>The shared MariaDB topology of the local collection, in containers (provider docker).</summary>
public sealed class MariaDbOnDockerFixture() : TopologyFixture(EngineKind.MariaDb, "it-mariad", provider: ProviderKind.Docker);

/// <summary>The suites of <see cref="PostgresCollection"/>, run again on the docker provider.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresOnDockerCollection : ICollectionFixture<PostgresOnDockerFixture>
{
    public const string Name = "postgres topology on docker";
}

/// <summary>The suites of <see cref="MariaDbCollection"/>, run again on the docker provider.</summary>
[CollectionDefinition(Name)]
public sealed class MariaDbOnDockerCollection : ICollectionFixture<MariaDbOnDockerFixture>
{
    public const string Name = "mariadb topology on docker";
}
