using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Backups;

[Collection(PostgresCollection.Name)]
public sealed class PostgresBackupTests(PostgresTopologyFixture fixture) : BackupTests(fixture);
