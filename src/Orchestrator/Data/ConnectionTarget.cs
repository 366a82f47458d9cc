using Orchestrator.Environments;

namespace Orchestrator.Data;

/// <summary>
/// Where and as whom to connect: a server at Host:Port, or its <see cref="Socket"/>; or a database
/// file (<see cref="File"/>, see <see cref="ToFile"/>).
/// </summary>
internal sealed record ConnectionTarget(string Host, int Port, string User, Secret? Password, string? Database, string? Socket = null)
{
    /// <summary>The database file to open (SQLite); null for a server. A file has no host, port or account.</summary>
    public string? File { get; init; }

    /// <summary>The database file at <paramref name="path"/>, opened in the process.</summary>
    public static ConnectionTarget ToFile(string path, string? database = null) => new("", 0, "", null, database) { File = path };

    public TlsMode Tls { get; init; }

    /// <summary>The CA certificate (PEM file) the server's certificate is checked against under <see cref="TlsMode.VerifyFull"/>; null for the system's authorities.</summary>
    public string? TrustedCaFile { get; init; }

    /// <summary>The client certificate presented to the server over TCP; null for none.</summary>
    public ClientCertificate? ClientCertificate { get; init; }

    /// <summary>The CA file a driver should trust: none unless the certificate is checked; a missing file is an error that says what to do.</summary>
    public string? TrustedCaForDriver()
    {
        if (Tls != TlsMode.VerifyFull || TrustedCaFile is null || Socket is not null)
        {
            return null;
        }

        return System.IO.File.Exists(TrustedCaFile)
            ? TrustedCaFile
            : throw new DatabaseException(
                $"could not connect to {this}: the CA certificate that the server's certificate is checked against, {TrustedCaFile}, is missing; run 'orchestrator up' to make the environment's CA and give its servers certificates", "connection");
    }

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

    public override string ToString() => File ?? (Socket is null ? $"{User}@{Host}:{Port}" : $"{User}@{Socket}");
}
