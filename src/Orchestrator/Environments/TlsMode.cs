namespace Orchestrator.Environments;

/// <summary>How connections to an environment's servers use TLS (environment key <c>tls</c>).</summary>
internal enum TlsMode
{
    /// <summary>Plain connections, written explicitly; servers the tool starts then run without certificates and accept plain connections.</summary>
    Disable,

    /// <summary>TLS when the server offers it (PostgreSQL); plain on MariaDB. The default for external environments.</summary>
    Prefer,

    /// <summary>Refuse to connect without TLS; the certificate is not checked.</summary>
    Require,

    /// <summary>TLS with the server certificate and host name checked: against the environment's own CA for servers the tool starts (the default there), else the system's trusted authorities.</summary>
    VerifyFull,
}
