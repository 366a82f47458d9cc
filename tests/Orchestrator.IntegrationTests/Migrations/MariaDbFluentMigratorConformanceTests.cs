using Orchestrator.IntegrationTests.Infrastructure;
namespace Orchestrator.IntegrationTests.Migrations;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbFluentMigratorConformanceTests(MariaDbTopologyFixture fixture) : FluentMigratorConformanceTests(fixture);
