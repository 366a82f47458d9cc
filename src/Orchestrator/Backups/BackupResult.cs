namespace Orchestrator.Backups;

/// <summary>A completed backup: where it is, its manifest, and how long it took.</summary>
internal sealed record BackupResult(string Directory, BackupManifest Manifest, TimeSpan Duration);
