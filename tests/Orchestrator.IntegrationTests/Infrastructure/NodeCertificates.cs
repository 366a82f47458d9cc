using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orchestrator.State;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>Certificates that must be refused: a CA the environment never used, and a node certificate for another host name.</summary>
internal static class NodeCertificates
{
    /// <summary>A self-signed CA of nobody's (PEM file in <paramref name="directory"/>).</summary>
    public static string ForeignCaFile(string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=a foreign CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var path = Path.Combine(directory, $"foreign-ca-{Guid.NewGuid():N}.crt");
        File.WriteAllText(path, ca.ExportCertificatePem());
        return path;
    }

    /// <summary>
    /// Gives a local node a certificate from the environment's CA for another host name (its files
    /// keep their owner and mode); the returned action gives it one for its real names again.
    /// The server reads them at its next reload.
    /// </summary>
    public static Action GiveWrongHostName(TestTopology topology, string node)
    {
        var ca = EnvironmentCa.In(topology.State, topology.Environment.FleetName);
        void Install(IReadOnlyCollection<string> names)
        {
            var certificate = ca.NodeCertificate(node, names);
            var nodeDir = topology.State.NodeDir(topology.Environment.Node(node));
            File.WriteAllText(Path.Combine(nodeDir, "tls-server.crt"), certificate.CertificatePem);
            File.WriteAllText(Path.Combine(nodeDir, "tls-server.key"), certificate.KeyPem);
        }

        Install(["wrong.example"]);
        return () => Install([topology.Environment.Node(node).Host, "localhost"]);
    }
}
