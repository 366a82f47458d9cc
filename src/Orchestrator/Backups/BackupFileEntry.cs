namespace Orchestrator.Backups;

/// <summary>A file of a backup, relative to the backup directory, with its size and SHA-256.</summary>
internal sealed record BackupFileEntry(string Path, long Bytes, string Sha256);
