using Orchestrator.Environments;
using Xunit.Abstractions;

namespace Orchestrator.IntegrationTests.RoleChanges;

/// <summary>MariaDB replicas are asynchronous here, so a failover's loss is measured and reported rather than required to be zero.</summary>
public sealed class MariaDbRoleChangeTests(ITestOutputHelper output) : RoleChangeTests(EngineKind.MariaDb, "it-mdb-rc", output)
{
    protected override bool SynchronousReplica => false;
}
