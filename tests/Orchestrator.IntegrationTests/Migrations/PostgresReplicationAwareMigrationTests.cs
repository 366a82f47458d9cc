using Orchestrator.IntegrationTests.Infrastructure;
namespace Orchestrator.IntegrationTests.Migrations;

[Collection(PostgresCollection.Name)]
public sealed class PostgresReplicationAwareMigrationTests(PostgresTopologyFixture fixture) : ReplicationAwareMigrationTests(fixture);

[Collection(PostgresOnDockerCollection.Name)]
public sealed class PostgresOnDockerReplicationAwareMigrationTests(PostgresOnDockerFixture fixture) : ReplicationAwareMigrationTests(fixture);
