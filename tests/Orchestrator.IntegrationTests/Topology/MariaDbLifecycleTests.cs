using Orchestrator.Environments;

namespace Orchestrator.IntegrationTests.Topology;

public sealed class MariaDbLifecycleTests() : LifecycleTests(EngineKind.MariaDb, "it-maria-life");

public sealed class DockerMariaDbLifecycleTests() : LifecycleTests(EngineKind.MariaDb, "it-dmaria-life", ProviderKind.Docker);
