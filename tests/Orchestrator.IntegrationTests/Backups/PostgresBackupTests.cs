using Orchestrator.IntegrationTests.Infrastructure;
namespace Orchestrator.IntegrationTests.Backups;

[Collection(PostgresCollection.Name)]
public sealed class PostgresBackupTests(PostgresTopologyFixture fixture) : BackupTests(fixture);

[Collection(PostgresOnDockerCollection.Name)]
public sealed class PostgresOnDockerBackupTests(PostgresOnDockerFixture fixture) : BackupTests(fixture);
