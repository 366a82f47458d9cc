using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Migrations;

[Collection(PostgresCollection.Name)]
public sealed class PostgresDriftTests(PostgresTopologyFixture fixture) : DriftTests(fixture);
