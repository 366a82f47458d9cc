namespace Orchestrator.Environments;

/// <summary>
/// A client certificate and its private key (PEM files on this machine) that an account presents
/// to the server (PostgreSQL cert authentication or clientcert=verify-full; MariaDB REQUIRE X509).
/// Named by path only: the drivers and client programs read the files themselves.
/// </summary>
internal sealed record ClientCertificate(string CertificateFile, string KeyFile);
