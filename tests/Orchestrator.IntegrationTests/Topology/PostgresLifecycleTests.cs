using Orchestrator.Environments;

namespace Orchestrator.IntegrationTests.Topology;

public sealed class PostgresLifecycleTests() : LifecycleTests(EngineKind.Postgres, "it-pg-life");
