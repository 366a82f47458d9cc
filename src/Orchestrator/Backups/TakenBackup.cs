namespace Orchestrator.Backups;

/// <summary>What an engine reports about a backup it took; the runner adds the files and writes the manifest.</summary>
internal sealed record TakenBackup(
    string ServerVersion,
    string Layout,
    string Position,
    long? SchemaVersion,
    IReadOnlyList<TableChecksum> Tables,
    IReadOnlyDictionary<string, string> Tools,
    string? AdminUser = null)
{
    /// <summary>The engine's own verification of the copy passed as it was taken (see <see cref="BackupManifest.EngineVerified"/>).</summary>
    public bool EngineVerified { get; init; }
}
