using Orchestrator.IntegrationTests.Infrastructure;
namespace Orchestrator.IntegrationTests.Migrations;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbReplicationAwareMigrationTests(MariaDbTopologyFixture fixture) : ReplicationAwareMigrationTests(fixture);

[Collection(MariaDbOnDockerCollection.Name)]
public sealed class MariaDbOnDockerReplicationAwareMigrationTests(MariaDbOnDockerFixture fixture) : ReplicationAwareMigrationTests(fixture);
