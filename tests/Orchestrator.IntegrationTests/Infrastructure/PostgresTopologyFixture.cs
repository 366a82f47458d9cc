using Orchestrator.Environments;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>replica-1 is synchronous (sync: true), so the shared scenarios also run with synchronous commit.</summary>
public sealed class PostgresTopologyFixture() : TopologyFixture(EngineKind.Postgres, "it-pg", syncReplica: true);
