using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Orchestrator.Environments;
using Orchestrator.Progress;
using Orchestrator.Replication;
using Orchestrator.State;

namespace Orchestrator.Topology;

/// <summary>One node's new certificate after <c>tls rotate</c>.</summary>
internal sealed record RotatedCertificate(string Node, string SerialNumber, DateTimeOffset NotAfter, bool Running);

/// <summary>What <c>tls rotate</c> did: every node's new certificate, in the live shape's order, and the CAs trusted at the end.</summary>
/// <param name="NewCaSerial">With <c>--ca</c>: the new CA's serial number; null when the CA stayed.</param>
/// <param name="TrustedCaSerials">The CAs trusted at the end: the new one alone, or (staged) the new one beside the old.</param>
internal sealed record CertificateRotationOutcome(IReadOnlyList<RotatedCertificate> Nodes, string? NewCaSerial, IReadOnlyList<string> TrustedCaSerials, TimeSpan Elapsed);

/// <summary>What <c>tls rotate</c> is asked for.</summary>
internal enum CaRotation
{
    /// <summary>New node certificates from the CA that issued the old ones.</summary>
    KeepCa,

    /// <summary>A new CA, trusted beside the old one until every node presents a certificate from it; then the old one is dropped.</summary>
    NewCa,

    /// <summary>Only the first step of <see cref="NewCa"/>: the new CA is trusted beside the old one everywhere, and applications can be given the pair.</summary>
    StageNewCa,
}

/// <summary>
/// Gives every node of the live shape a new certificate and makes running servers present it
/// without a restart (a reload), then has each replica connect to its source afresh, since a
/// reload changes new handshakes only. With a new CA, trust moves first: every node (and the
/// tool) trusts the old and the new CA before any node presents a certificate of the new one, and
/// the old CA is dropped only once none does; a replica that reconnects at any moment verifies
/// its source.
/// </summary>
internal sealed class CertificateRotation(LocalNodes nodes)
{
    public async Task<CertificateRotationOutcome> RunAsync(CaRotation rotation, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (nodes.Environment.Tls == TlsMode.Disable)
        {
            throw new TlsRequestException($"environment '{nodes.Environment.Name}' says tls: disable, so its servers have no certificates to rotate");
        }

        if (rotation != CaRotation.KeepCa && nodes.Environment.ShardName is not null)
        {
            throw new TlsRequestException(
                $"the shards of environment '{nodes.Environment.FleetName}' share one CA, and a new one must reach every shard together, which 'tls rotate --ca' does not do yet; " +
                "rotate the shards' certificates without --ca");
        }

        var shape = nodes.CurrentShape.Apply(nodes.File);
        var ca = nodes.Ca;
        string? newCa = null;
        var staged = ca.Exists && ca.TrustedSerials().Count > 1;
        if (rotation != CaRotation.KeepCa)
        {
            if (staged)
            {
                newCa = ca.TrustedSerials()[0];
                nodes.Progress.Report(new ProgressEvent("tls", $"CA {newCa} is already trusted beside the old one (a staged or interrupted rotation): it goes on from there", ProgressKind.Info));
            }
            else
            {
                newCa = ca.BeginCaRotation();
                await PresentAsync(shape, $"trust the new CA {newCa} beside the old one", reconnect: false, cancellationToken);
            }

            if (rotation == CaRotation.StageNewCa)
            {
                return new CertificateRotationOutcome([], newCa, ca.TrustedSerials(), clock.Elapsed);
            }
        }

        var rotated = new List<RotatedCertificate>();
        var running = await PresentAsync(shape, "present its new certificate", reconnect: true, cancellationToken, node =>
        {
            var issued = nodes.ReissueCertificate(node);
            using var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem);
            rotated.Add(new RotatedCertificate(node.Name, certificate.SerialNumber, new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero), Running: false));
        });
        rotated = rotated.Select(r => r with { Running = running.Contains(r.Node) }).ToList();

        // A staged or interrupted CA rotation ends here too, once every node has a certificate from the new CA.
        if (ca.TrustedSerials().Count > 1)
        {
            ca.DropRetiredCas();
            await PresentAsync(shape, "trust the new CA alone", reconnect: true, cancellationToken);
        }

        return new CertificateRotationOutcome(rotated, newCa, ca.TrustedSerials(), clock.Elapsed);
    }

    /// <summary>
    /// Writes every node's files as the state directory now says (certificate, key, trusted CAs)
    /// and has each running server read them with a reload, sources before their replicas; with
    /// <paramref name="reconnect"/>, each replica then connects to its source afresh. Returns the
    /// running nodes.
    /// </summary>
    /// <param name="reissue">Run for each node first (running or not): gives it a new certificate.</param>
    private async Task<HashSet<string>> PresentAsync(EnvironmentDefinition shape, string step, bool reconnect, CancellationToken cancellationToken, Action<NodeDefinition>? reissue = null)
    {
        // A server of its own for each step: it reads the certificates afresh.
        var (server, credentials) = await nodes.CreateServerAsync(create: false, cancellationToken, shape);
        var running = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in shape.Nodes)
        {
            reissue?.Invoke(node);
            if (!node.Fenced && await server.GetStateAsync(node, cancellationToken) == LocalNodeState.Running)
            {
                await nodes.Progress.StepAsync(node.Name, $"{step} (a reload, no restart)", () => server.ReloadConfigAsync(node, cancellationToken));
                running.Add(node.Name);
            }
            else
            {
                nodes.Progress.Report(new ProgressEvent(node.Name, $"not running: it will {step} when it next starts", ProgressKind.Info));
            }
        }

        if (reconnect)
        {
            foreach (var replica in shape.Replicas.Where(r => running.Contains(r.Name) && running.Contains(r.Source!)))
            {
                await nodes.Progress.StepAsync(replica.Name, $"connect to {replica.Source} afresh", () => server.ReconnectAsync(replica, shape.Node(replica.Source!), cancellationToken));
                await nodes.WaitUntilReplicatingAsync(credentials, replica, cancellationToken);
            }
        }

        return running;
    }
}
