using Orchestrator.IntegrationTests.Infrastructure;
namespace Orchestrator.IntegrationTests.Backups;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbBackupTests(MariaDbTopologyFixture fixture) : BackupTests(fixture);

[Collection(MariaDbOnDockerCollection.Name)]
public sealed class MariaDbOnDockerBackupTests(MariaDbOnDockerFixture fixture) : BackupTests(fixture);
