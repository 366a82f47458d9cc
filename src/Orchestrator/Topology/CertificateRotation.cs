using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Orchestrator.Environments;
using Orchestrator.Progress;
using Orchestrator.Replication;
using Orchestrator.State;

namespace Orchestrator.Topology;

/// <summary>One node's new certificate after <c>tls rotate</c>.</summary>
internal sealed record RotatedCertificate(string Node, string SerialNumber, DateTimeOffset NotAfter, bool Running);

/// <summary>What <c>tls rotate</c> did: every node's new certificate, in the live shape's order.</summary>
internal sealed record CertificateRotationOutcome(IReadOnlyList<RotatedCertificate> Nodes, TimeSpan Elapsed);

/// <summary>
/// Gives every node of the live shape a new certificate from the environment's CA and makes
/// running servers present it without a restart (a reload), then has each replica connect to
/// its source afresh, since a reload changes new handshakes only. The CA stays; clients that
/// trust it trust the new certificates.
/// </summary>
internal sealed class CertificateRotation(LocalNodes nodes)
{
    public async Task<CertificateRotationOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (nodes.Environment.Tls == TlsMode.Disable)
        {
            throw new TlsRequestException($"environment '{nodes.Environment.Name}' says tls: disable, so its servers have no certificates to rotate");
        }

        var shape = nodes.CurrentShape.Apply(nodes.File);
        var (server, credentials) = await nodes.CreateServerAsync(create: false, cancellationToken, shape);
        var rotated = new List<RotatedCertificate>();
        var running = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in shape.Nodes)
        {
            var issued = nodes.ReissueCertificate(node);
            using var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem);
            var isRunning = !node.Fenced && await server.GetStateAsync(node, cancellationToken) == LocalNodeState.Running;
            if (isRunning)
            {
                await nodes.Progress.StepAsync(node.Name, $"present certificate {certificate.SerialNumber} (a reload, no restart)", () => server.ReloadConfigAsync(node, cancellationToken));
                running.Add(node.Name);
            }
            else
            {
                nodes.Progress.Report(new ProgressEvent(node.Name, $"not running: it presents certificate {certificate.SerialNumber} when it next starts", ProgressKind.Info));
            }

            rotated.Add(new RotatedCertificate(node.Name, certificate.SerialNumber, new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero), isRunning));
        }

        foreach (var replica in shape.Replicas.Where(r => running.Contains(r.Name) && running.Contains(r.Source!)))
        {
            await nodes.Progress.StepAsync(replica.Name, $"connect to {replica.Source} afresh, meeting its new certificate", () => server.ReconnectAsync(replica, shape.Node(replica.Source!), cancellationToken));
            await nodes.WaitUntilReplicatingAsync(credentials, replica, cancellationToken);
        }

        return new CertificateRotationOutcome(rotated, clock.Elapsed);
    }
}
