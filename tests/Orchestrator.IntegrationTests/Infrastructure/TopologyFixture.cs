using Orchestrator.Environments;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>One topology shared by the tests of a collection, on this machine or in containers; each test uses its own tables.</summary>
public abstract class TopologyFixture(EngineKind engine, string name, bool syncReplica = false, ProviderKind provider = ProviderKind.Local) : IAsyncLifetime
{
    public TestDialect Dialect => engine == EngineKind.Postgres ? TestDialect.Postgres : TestDialect.MariaDb;

    private TestTopology? _topology;

    public TestTopology Topology => _topology ?? throw new InvalidOperationException("the topology did not start");

    public async Task InitializeAsync() => _topology = await TestTopology.StartAsync(engine, name, syncReplica, provider);

    public async Task DisposeAsync()
    {
        if (_topology is not null)
        {
            await _topology.DisposeAsync();
        }
    }
}
