namespace Orchestrator.Replication;

/// <summary>
/// A physical backup as a node's bootstrap restores it: the backup's folder, the position its data
/// was copied at (a PostgreSQL LSN, a MariaDB GTID state; empty when none), and the admin account
/// its source had, which the copy still holds until this environment's accounts are set.
/// </summary>
internal sealed record PhysicalCopy(string BackupDirectory, string Position, string? SourceAdminUser);
