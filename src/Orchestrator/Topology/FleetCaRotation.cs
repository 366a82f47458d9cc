using System.Diagnostics;

namespace Orchestrator.Topology;

/// <summary>
/// <c>tls rotate --ca</c> on a sharded environment, whose shards share one CA: each step of the
/// rotation reaches every shard before the next begins. No node presents a certificate of the new
/// CA while a node of another shard trusts the old CA alone, and the old CA is dropped only once
/// every node of every shard presents a new certificate. A rerun after an interruption goes on
/// with the CA already trusted beside the old one.
/// </summary>
internal static class FleetCaRotation
{
    /// <param name="shards">Each shard's name and topology, in the file's order.</param>
    /// <param name="stageOnly">Stop once every shard trusts both CAs (<c>--stage</c>).</param>
    /// <returns>Every node's new certificate, named SHARD/NODE.</returns>
    public static async Task<CertificateRotationOutcome> RunAsync(IReadOnlyList<(string Shard, LocalTopology Topology)> shards, bool stageOnly, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string? newCa = null;
        foreach (var (_, topology) in shards)
        {
            newCa = await topology.CaRotationStepAsync(rotation => rotation.TrustNewCaAsync(cancellationToken), cancellationToken);
        }

        var rotated = new List<RotatedCertificate>();
        if (!stageOnly)
        {
            foreach (var (shard, topology) in shards)
            {
                var certificates = await topology.CaRotationStepAsync(rotation => rotation.ReissueAsync(cancellationToken), cancellationToken);
                rotated.AddRange(certificates.Select(c => c with { Node = $"{shard}/{c.Node}" }));
            }

            foreach (var (_, topology) in shards)
            {
                await topology.CaRotationStepAsync(
                    async rotation =>
                    {
                        await rotation.TrustNewCaAloneAsync(cancellationToken);
                        return true;
                    },
                    cancellationToken);
            }
        }

        var trusted = shards.Count == 0 ? [] : await shards[0].Topology.CaRotationStepAsync(rotation => Task.FromResult(rotation.TrustedSerials()), cancellationToken);
        return new CertificateRotationOutcome(rotated, newCa, trusted, clock.Elapsed);
    }
}
