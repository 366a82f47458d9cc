namespace Orchestrator.Embedding;

/// <summary>How the connections of an <see cref="EnvironmentSpec"/> use TLS (an environment file's <c>tls</c>).</summary>
public enum TlsPolicy
{
    /// <summary>TLS when the server offers it (PostgreSQL); plain on MariaDB.</summary>
    Prefer,

    /// <summary>Plain connections.</summary>
    Disable,

    /// <summary>Refuse to connect without TLS; the certificate is not checked.</summary>
    Require,

    /// <summary>TLS with the server certificate checked against the system's trusted authorities and the host name.</summary>
    VerifyFull,
}
