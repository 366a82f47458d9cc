using Orchestrator.IntegrationTests.Infrastructure;
namespace Orchestrator.IntegrationTests.Migrations;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbMigrationRunTests(MariaDbTopologyFixture fixture) : MigrationRunTests(fixture);

[Collection(MariaDbOnDockerCollection.Name)]
public sealed class MariaDbOnDockerMigrationRunTests(MariaDbOnDockerFixture fixture) : MigrationRunTests(fixture);
