using Orchestrator.Environments;
using Orchestrator.Hosts;
using Orchestrator.Hosts.Local;
using Orchestrator.Progress;
using Orchestrator.State;

namespace Orchestrator.Replication;

/// <summary>Everything a server implementation needs about the environment it provisions, and the host its nodes run on.</summary>
internal sealed record LocalContext(
    EnvironmentDefinition Environment,
    StateLayout State,
    ServiceUser User,
    EnvironmentCredentials Credentials,
    ITopologyProgress Progress,
    INodeHost Host)
{
    /// <summary>The servers run in containers of the engine's image, so its programs are the image's (see <see cref="IHostProvider.InContainers"/>).</summary>
    public bool InContainers { get; init; }

    private readonly Dictionary<string, NodeCertificate> _certificates = new(StringComparer.Ordinal);

    /// <summary>
    /// The files a node's server presents and checks its peers with (the environment CA's
    /// certificate, the node's certificate for every name it is reached by, and its key), as
    /// paths on its host with their text; none for an environment that runs without TLS.
    /// </summary>
    public IReadOnlyList<(string Path, string Content)> TlsFiles(NodeDefinition node)
    {
        if (Environment.Tls == TlsMode.Disable)
        {
            return [];
        }

        NodeCertificate certificate;
        lock (_certificates)
        {
            if (!_certificates.TryGetValue(node.Name, out certificate!))
            {
                certificate = _certificates[node.Name] = EnvironmentCa.In(State, Environment.FleetName).NodeCertificate(node.Name, Host.NamesOf(node));
            }
        }

        var paths = Host.Paths(node);
        return [(paths.TlsCaFile, certificate.CaPem), (paths.TlsCertificateFile, certificate.CertificatePem), (paths.TlsKeyFile, certificate.KeyPem)];
    }
}
