namespace Orchestrator.Hosts;

/// <summary>
/// A node's directory, its data directory inside it, its server log, and the directory where its
/// server creates its Unix sockets, as paths on its host.
/// </summary>
internal sealed record NodePaths(string NodeDir, string DataDir, string LogFile, string SocketDir)
{
    public string InNode(string name) => $"{NodeDir.TrimEnd('/')}/{name}";

    public string InData(string name) => $"{DataDir.TrimEnd('/')}/{name}";

    public string InSocketDir(string name) => $"{SocketDir.TrimEnd('/')}/{name}";

    /// <summary>The CA certificate the node's server and its replication client trust.</summary>
    public string TlsCaFile => InNode("tls-ca.crt");

    /// <summary>The node's server certificate.</summary>
    public string TlsCertificateFile => InNode("tls-server.crt");

    /// <summary>The node's private key, readable by the service user only.</summary>
    public string TlsKeyFile => InNode("tls-server.key");
}
