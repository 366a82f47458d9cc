namespace Orchestrator.Backups;

/// <summary>A table whose restored rows differ from the manifest's (null: absent on that side).</summary>
internal sealed record TableMismatch(string Table, TableChecksum? Expected, TableChecksum? Restored);
