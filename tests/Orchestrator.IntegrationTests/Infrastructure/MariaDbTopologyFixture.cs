using Orchestrator.Environments;

namespace Orchestrator.IntegrationTests.Infrastructure;

public sealed class MariaDbTopologyFixture() : TopologyFixture(EngineKind.MariaDb, "it-mariadb");
