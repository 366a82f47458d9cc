using Orchestrator.Environments;

namespace Orchestrator.IntegrationTests.Infrastructure;

public sealed class PostgresTopologyFixture() : TopologyFixture(EngineKind.Postgres, "it-pg");
