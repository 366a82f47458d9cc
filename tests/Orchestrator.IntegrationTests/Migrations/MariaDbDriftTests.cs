using Orchestrator.IntegrationTests.Infrastructure;
namespace Orchestrator.IntegrationTests.Migrations;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbDriftTests(MariaDbTopologyFixture fixture) : DriftTests(fixture);

[Collection(MariaDbOnDockerCollection.Name)]
public sealed class MariaDbOnDockerDriftTests(MariaDbOnDockerFixture fixture) : DriftTests(fixture);
