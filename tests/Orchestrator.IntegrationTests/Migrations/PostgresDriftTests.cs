using Orchestrator.IntegrationTests.Infrastructure;
namespace Orchestrator.IntegrationTests.Migrations;

[Collection(PostgresCollection.Name)]
public sealed class PostgresDriftTests(PostgresTopologyFixture fixture) : DriftTests(fixture);

[Collection(PostgresOnDockerCollection.Name)]
public sealed class PostgresOnDockerDriftTests(PostgresOnDockerFixture fixture) : DriftTests(fixture);
