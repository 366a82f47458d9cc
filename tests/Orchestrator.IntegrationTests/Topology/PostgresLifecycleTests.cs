using Orchestrator.Environments;

namespace Orchestrator.IntegrationTests.Topology;

public sealed class PostgresLifecycleTests() : LifecycleTests(EngineKind.Postgres, "it-pg-life");

public sealed class DockerPostgresLifecycleTests() : LifecycleTests(EngineKind.Postgres, "it-dpg-life", ProviderKind.Docker);
