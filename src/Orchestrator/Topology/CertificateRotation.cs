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

/// <summary>Where a CA rotation starts: the new CA's serial number, and whether a run cut short in the last step left it to finish.</summary>
internal sealed record CaRotationStart(string Serial, bool Finishing);

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
        RefuseWithoutTls();
        if (rotation != CaRotation.KeepCa && nodes.Environment.ShardName is not null)
        {
            throw new TlsRequestException(
                $"the shards of environment '{nodes.Environment.FleetName}' share one CA, and a new one must reach every shard together: " +
                "run 'tls rotate --ca' without --shard, which moves every shard");
        }

        string? newCa = null;
        if (rotation != CaRotation.KeepCa)
        {
            var step = BeginOrResume(rotation == CaRotation.StageNewCa);
            newCa = step.Serial;
            if (!step.Finishing)
            {
                await TrustBothAsync(step.Serial, cancellationToken);
            }

            if (rotation == CaRotation.StageNewCa)
            {
                return new CertificateRotationOutcome([], newCa, nodes.Ca.TrustedSerials(), clock.Elapsed);
            }
        }

        var rotated = await ReissueAsync(cancellationToken);
        var ca = nodes.Ca;
        if (ca.TrustedSerials().Count > 1 || ca.CaRotationFinishing)
        {
            if (nodes.Environment.ShardName is null)
            {
                // A staged or interrupted CA rotation ends here too, once every node has a certificate from the new CA.
                await TrustNewCaAloneAsync(cancellationToken);
                ca.EndCaRotation();
            }
            else
            {
                // The other shards' nodes may still present certificates of the old CA, which their clients must go on trusting.
                var what = ca.CaRotationFinishing
                    ? "is in its last step (the old CA is trusted no more): this shard's nodes present certificates of the new CA and trust it alone now"
                    : "is under way: this shard's nodes present certificates of the new CA now, and the old CA stays trusted";
                nodes.Progress.Report(new ProgressEvent(nodes.Environment.Name,
                    $"a CA rotation of every shard of '{nodes.Environment.FleetName}' {what}; 'tls rotate --ca' (without --shard) finishes it on every shard",
                    ProgressKind.Info));
            }
        }

        return new CertificateRotationOutcome(rotated, newCa, nodes.Ca.TrustedSerials(), clock.Elapsed);
    }

    /// <summary>
    /// Where a CA rotation starts (nothing is presented yet): a new CA, trusted beside the old one
    /// from now on, unless one is already (a staged or interrupted rotation), which it goes on
    /// with; or, after a run cut short in the last step (the old CA already dropped), that
    /// rotation's CA, for the caller to finish with. Reported once, for every shard.
    /// </summary>
    /// <param name="stage">Only the first step is asked for (<c>--stage</c>), which a rotation in its last step can no longer take.</param>
    public CaRotationStart BeginOrResume(bool stage)
    {
        RefuseWithoutTls();
        var ca = nodes.Ca;
        ca.Ensure();
        var where = nodes.Environment.FleetName;
        if (ca.CaRotationFinishing)
        {
            var finishing = ca.TrustedSerials()[0];
            if (stage)
            {
                throw new TlsRequestException(
                    $"the rotation to CA {finishing} was cut short in its last step, after every node had a certificate from it, so there is nothing to stage; " +
                    "run 'tls rotate --ca' without --stage to finish it, and again for another new CA");
            }

            nodes.Progress.Report(new ProgressEvent(where, $"the rotation to CA {finishing} was cut short in its last step: this run finishes it, with no new CA (run 'tls rotate --ca' again for another)", ProgressKind.Info));
            return new CaRotationStart(finishing, Finishing: true);
        }

        if (ca.TrustedSerials().Count > 1)
        {
            var begun = ca.TrustedSerials()[0];
            nodes.Progress.Report(new ProgressEvent(where, $"CA {begun} is trusted beside the old one already (a staged or interrupted rotation): this run goes on with it", ProgressKind.Info));
            return new CaRotationStart(begun, Finishing: false);
        }

        return new CaRotationStart(ca.BeginCaRotation(), Finishing: false);
    }

    /// <summary>Fails, changing nothing, when the environment's state or its nodes' host cannot be reached (a shard never brought up, a docker engine gone).</summary>
    public async Task CheckReachableAsync(CancellationToken cancellationToken)
    {
        RefuseWithoutTls();
        var shape = nodes.CurrentShape.Apply(nodes.File);
        var (server, _) = await nodes.CreateServerAsync(create: false, cancellationToken, shape);
        foreach (var node in shape.Nodes)
        {
            await server.GetStateAsync(node, cancellationToken);
        }
    }

    /// <summary>The first step of a CA rotation: every node made to trust the new CA beside the old one.</summary>
    public async Task TrustBothAsync(string newCa, CancellationToken cancellationToken) =>
        await PresentAsync(nodes.CurrentShape.Apply(nodes.File), $"trust the new CA {newCa} beside the old one", reconnect: false, cancellationToken);

    /// <summary>Every node's new certificate, from the CA that issues now, presented without a restart; each replica then connects afresh.</summary>
    public async Task<IReadOnlyList<RotatedCertificate>> ReissueAsync(CancellationToken cancellationToken)
    {
        RefuseWithoutTls();
        var rotated = new List<RotatedCertificate>();
        var running = await PresentAsync(nodes.CurrentShape.Apply(nodes.File), "present its new certificate", reconnect: true, cancellationToken, node =>
        {
            var issued = nodes.ReissueCertificate(node);
            using var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem);
            rotated.Add(new RotatedCertificate(node.Name, certificate.SerialNumber, new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero), Running: false));
        });
        return rotated.Select(r => r with { Running = running.Contains(r.Node) }).ToList();
    }

    /// <summary>
    /// The last step of a CA rotation, once every node (of every shard) presents a certificate of
    /// the new CA: the old CAs are trusted no more (dropped unless another shard dropped them
    /// already), and every node is made to trust the new one alone. The rotation stays recorded as
    /// finishing until <see cref="EndCaRotation"/>.
    /// </summary>
    public async Task TrustNewCaAloneAsync(CancellationToken cancellationToken)
    {
        RefuseWithoutTls();
        nodes.Ca.DropRetiredCas();
        await PresentAsync(nodes.CurrentShape.Apply(nodes.File), "trust the new CA alone", reconnect: true, cancellationToken);
    }

    /// <summary>Every node trusts the new CA alone: a later run starts a rotation of its own.</summary>
    public void EndCaRotation() => nodes.Ca.EndCaRotation();

    /// <summary>The CAs trusted now, the newest first.</summary>
    public IReadOnlyList<string> TrustedSerials() => nodes.Ca.TrustedSerials();

    private void RefuseWithoutTls()
    {
        if (nodes.Environment.Tls == TlsMode.Disable)
        {
            throw new TlsRequestException($"environment '{nodes.Environment.Name}' says tls: disable, so its servers have no certificates to rotate");
        }
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
