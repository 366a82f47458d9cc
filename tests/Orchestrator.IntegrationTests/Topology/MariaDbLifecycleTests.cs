using Orchestrator.Environments;

namespace Orchestrator.IntegrationTests.Topology;

public sealed class MariaDbLifecycleTests() : LifecycleTests(EngineKind.MariaDb, "it-maria-life");
