using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Migrations;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbDriftTests(MariaDbTopologyFixture fixture) : DriftTests(fixture);
