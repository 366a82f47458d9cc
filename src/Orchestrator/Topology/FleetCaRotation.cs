using System.Diagnostics;

namespace Orchestrator.Topology;

/// <summary>
/// <c>tls rotate --ca</c> on a sharded environment, whose shards share one CA. It holds every
/// shard's state lock from the first step to the last (taken in the file's order, so two runs
/// never hold each other up halfway), and each step reaches every shard before the next begins:
/// no node presents a certificate of the new CA while a node of another shard trusts the old CA
/// alone, and the old CA is dropped only once every node of every shard presents a new
/// certificate. A rerun after an interruption goes on with the CA already trusted beside the old
/// one, or finishes the last step when that step had begun (the CA's record says so).
/// </summary>
internal static class FleetCaRotation
{
    /// <param name="shards">Each shard's name and topology, in the file's order.</param>
    /// <param name="stageOnly">Stop once every shard trusts both CAs (<c>--stage</c>).</param>
    /// <returns>Every node's new certificate, named SHARD/NODE.</returns>
    public static Task<CertificateRotationOutcome> RunAsync(IReadOnlyList<(string Shard, LocalTopology Topology)> shards, bool stageOnly, CancellationToken cancellationToken) =>
        HoldingEveryShardAsync(shards, [], held => RotateAsync(held, stageOnly, cancellationToken), cancellationToken);

    private static Task<T> HoldingEveryShardAsync<T>(
        IReadOnlyList<(string Shard, LocalTopology Topology)> shards, List<(string Shard, CertificateRotation Rotation)> held, Func<IReadOnlyList<(string Shard, CertificateRotation Rotation)>, Task<T>> body, CancellationToken cancellationToken)
    {
        if (held.Count == shards.Count)
        {
            return body(held);
        }

        var (shard, topology) = shards[held.Count];
        return topology.HoldingCaRotationAsync(
            rotation =>
            {
                held.Add((shard, rotation));
                return HoldingEveryShardAsync(shards, held, body, cancellationToken);
            },
            cancellationToken);
    }

    private static async Task<CertificateRotationOutcome> RotateAsync(IReadOnlyList<(string Shard, CertificateRotation Rotation)> shards, bool stageOnly, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();

        // Every shard's servers are reachable before anything changes: a shard that cannot be
        // reached in the first step would leave the others trusting a CA that stops there.
        foreach (var (_, rotation) in shards)
        {
            await rotation.CheckReachableAsync(cancellationToken);
        }

        var start = shards[0].Rotation.BeginOrResume(stageOnly);
        if (!start.Finishing)
        {
            foreach (var (_, rotation) in shards)
            {
                await rotation.TrustBothAsync(start.Serial, cancellationToken);
            }
        }

        var rotated = new List<RotatedCertificate>();
        if (!stageOnly)
        {
            foreach (var (shard, rotation) in shards)
            {
                var certificates = await rotation.ReissueAsync(cancellationToken);
                rotated.AddRange(certificates.Select(c => c with { Node = $"{shard}/{c.Node}" }));
            }

            foreach (var (_, rotation) in shards)
            {
                await rotation.TrustNewCaAloneAsync(cancellationToken);
            }

            // The shards share the CA, and so its record.
            shards[0].Rotation.EndCaRotation();
        }

        return new CertificateRotationOutcome(rotated, start.Serial, shards[0].Rotation.TrustedSerials(), clock.Elapsed);
    }
}
