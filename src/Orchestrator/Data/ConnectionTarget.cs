using Orchestrator.Environments;

namespace Orchestrator.Data;

/// <summary>Where and as whom to connect. A null <see cref="Socket"/> means TCP to Host:Port.</summary>
internal sealed record ConnectionTarget(string Host, int Port, string User, Secret? Password, string? Database, string? Socket = null)
{
    public TlsMode Tls { get; init; }

    /// <summary>
    /// True when code other than the tool's own reads through the session (a migration's
    /// Execute.WithConnection), which may meet the database's own types (enums, extensions): the
    /// driver then learns them first. The tool's own queries need only the built-in types.
    /// </summary>
    public bool ForUserCode { get; init; }

    /// <summary>
    /// For a database file (SQLite): a missing file reads as an empty database (nothing applied),
    /// and is created, mode 0600, only when a migration run is about to write
    /// (<see cref="IMigrationStore.PrepareWritesAsync"/>). Without it a missing file is an error.
    /// </summary>
    public bool CreateIfMissing { get; init; }

    public override string ToString() => Socket is null ? $"{User}@{Host}:{Port}" : $"{User}@{Socket}";
}
