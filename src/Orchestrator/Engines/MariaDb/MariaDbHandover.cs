using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Replication;

namespace Orchestrator.Engines.MariaDb;

/// <summary>A MariaDB switchover's window over sessions opened beforehand: read_only, MASTER_GTID_WAIT, promotion.</summary>
internal sealed class MariaDbHandover(
    MariaDbReplicationControl server, MariaDbEngine engine, NodeDefinition target, IDbSession primarySession, IDbSession targetSession, SemiSyncSettings targetSemiSync) : IHandover
{
    /// <summary>
    /// read_only refuses writes from every account but those with READ ONLY ADMIN (the tool's
    /// own socket account); setting it waits for running commits. Returns the binary log's
    /// GTID position, which nothing can extend afterwards, asked in the same round trip.
    /// </summary>
    public async Task<string> StopWritesAsync(CancellationToken cancellationToken) =>
        await primarySession.ExecuteBatchAsync([new("SET GLOBAL read_only = ON"), new("SELECT @@gtid_binlog_pos AS pos")], cancellationToken) as string ?? "";

    public Task<bool> WaitAppliedAsync(string position, TimeSpan timeout, CancellationToken cancellationToken) =>
        engine.Replay.WaitForReplayAsync(targetSession, position, timeout, cancellationToken);

    public Task PromoteAsync(Action writable, CancellationToken cancellationToken) => server.PromoteOnAsync(targetSession, target, targetSemiSync, writable, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await primarySession.DisposeAsync();
        await targetSession.DisposeAsync();
    }
}
