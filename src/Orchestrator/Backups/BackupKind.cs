namespace Orchestrator.Backups;

/// <summary>
/// Logical: the engine's dump tool (pg_dump, mariadb-dump), restorable into any server of the
/// engine. Physical: a copy of the data directory (pg_basebackup, mariadb-backup).
/// </summary>
internal enum BackupKind
{
    Logical,
    Physical,
}
