using Orchestrator.Environments;

namespace Orchestrator.State;

/// <summary>
/// The admin and replication accounts with their passwords resolved. Every command connects as
/// admin; only setting up replicas and a physical PostgreSQL backup connect as the replication
/// account, so an external environment may leave its password out (<see cref="ReplicationPassword"/> null).
/// </summary>
internal sealed record EnvironmentCredentials(string AdminUser, Secret AdminPassword, string ReplicationUser, Secret? ReplicationPassword)
{
    /// <summary>
    /// The CA certificate (a PEM file on this machine) that the servers' certificates are checked
    /// against: the environment's own for servers the tool runs with TLS; null for the system's authorities.
    /// </summary>
    public string? TrustedCaFile { get; init; }

    /// <summary>The client certificate the admin account presents (an external environment's <c>credentials.admin.certificate</c>); null for none.</summary>
    public ClientCertificate? AdminCertificate { get; init; }

    /// <summary>The replication password, for a step that connects as the replication account; bad input when the file gives none.</summary>
    public Secret RequiredReplicationPassword() => ReplicationPassword ?? throw new MissingPasswordException(
        $"this command connects as the replication account '{ReplicationUser}', and the environment file gives no password for it: " +
        "add credentials.replication.password, as \"${env:NAME}\" or \"${file:PATH}\"");
}
