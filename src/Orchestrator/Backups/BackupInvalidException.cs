namespace Orchestrator.Backups;

/// <summary>A backup that cannot be trusted (missing manifest, truncated or changed file, wrong engine); nothing was restored.</summary>
internal sealed class BackupInvalidException(string message) : Exception(message);
