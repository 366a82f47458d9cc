using Orchestrator.Environments;
using Xunit.Abstractions;

namespace Orchestrator.IntegrationTests.RoleChanges;

public sealed class PostgresRoleChangeTests(ITestOutputHelper output) : RoleChangeTests(EngineKind.Postgres, "it-pg-rc", output)
{
    protected override bool SynchronousReplica => true;
}
