namespace Orchestrator.Migrations.Running;

/// <summary>
/// What the runner needs from one engine about one version table: its records
/// (<see cref="IVersionRecords"/>, <see cref="IProgressRecords"/>, <see cref="IVersionClaims"/>), the migration lock
/// (<see cref="IMigrationLock"/>) and transaction control (<see cref="IMigrationTransactions"/>).
/// </summary>
internal interface IMigrationStore : IVersionRecords, IProgressRecords, IVersionClaims, IMigrationLock, IMigrationTransactions
{
}
