namespace Orchestrator.Backups;

/// <summary>A backup or restore the tool will not attempt as asked (bad input); nothing was changed.</summary>
internal sealed class BackupRefusedException(string message) : Exception(message);
