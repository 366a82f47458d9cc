using Orchestrator.Environments;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>One topology shared by the tests of a collection, on this machine or in containers; each test uses its own tables.</summary>
public abstract class TopologyFixture : IAsyncLifetime
{
    private readonly EngineKind _engine;
    private readonly string _name;
    private readonly bool _syncReplica;
    private readonly ProviderKind _provider;

    private protected TopologyFixture(EngineKind engine, string name, bool syncReplica = false, ProviderKind provider = ProviderKind.Local)
    {
        _engine = engine;
        _name = name;
        _syncReplica = syncReplica;
        _provider = provider;
    }

    public TestDialect Dialect => _engine == EngineKind.Postgres ? TestDialect.Postgres : TestDialect.MariaDb;

    private TestTopology? _topology;

    internal TestTopology Topology => _topology ?? throw new InvalidOperationException("the topology did not start");

    public async Task InitializeAsync() => _topology = await TestTopology.StartAsync(_engine, _name, _syncReplica, _provider);

    public async Task DisposeAsync()
    {
        if (_topology is not null)
        {
            await _topology.DisposeAsync();
        }
    }
}
