namespace Orchestrator.IntegrationTests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class MariaDbCollection : ICollectionFixture<MariaDbTopologyFixture>
{
    public const string Name = "mariadb topology";
}
