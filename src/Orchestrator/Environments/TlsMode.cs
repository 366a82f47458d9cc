namespace Orchestrator.Environments;

/// <summary>How connections to an environment's servers use TLS (environment key <c>tls</c>).</summary>
internal enum TlsMode
{
    /// <summary>Plain connections; the default for local environments, whose servers have no certificates.</summary>
    Disable,

    /// <summary>TLS when the server offers it (PostgreSQL); plain on MariaDB. The default for external environments.</summary>
    Prefer,

    /// <summary>Refuse to connect without TLS; the certificate is not checked.</summary>
    Require,

    /// <summary>TLS with the server certificate checked against the system's trusted authorities and the host name.</summary>
    VerifyFull,
}
