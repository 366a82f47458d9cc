namespace Orchestrator.IntegrationTests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresTopologyFixture>
{
    public const string Name = "postgres topology";
}
