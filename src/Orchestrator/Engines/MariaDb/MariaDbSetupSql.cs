using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Progress;
using Orchestrator.Replication;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// What the tool itself does in a MariaDB node's SQL: its accounts and where it replicates
/// from. The tool's own setup work goes through each node's Unix socket as the OS user running
/// the tool (unix_socket authentication; a container's socket directory is bind-mounted from the
/// state directory); everything else uses the TCP admin account.
/// </summary>
internal sealed class MariaDbSetupSql(MariaDbEngine engine, LocalContext context, MariaDbNodeFiles files)
{
    /// <param name="database">The database the session uses; none by default.</param>
    public Task<IDbSession> LocalRootSessionAsync(NodeDefinition node, CancellationToken cancellationToken, string? database = null) =>
        engine.ConnectAsync(new ConnectionTarget(node.Host, node.Port, SocketUser, null, database, files.SocketForTool(node)), cancellationToken);

    /// <summary>
    /// The account the socket admits: the server names its peer by the peer's user id, and this
    /// process's user is root in a container as on this machine (other ids have no name there).
    /// </summary>
    public static string SocketUser => System.Environment.UserName;

    /// <summary>The accounts the tool makes log in over TLS only, when the servers refuse plain connections.</summary>
    private string RequireSsl => context.Environment.Tls.ServersRefusePlain() ? " REQUIRE SSL" : "";

    /// <summary>
    /// The admin account from every address of <c>access.allow</c> (and, in containers, the
    /// network's gateway and the nodes); the replication account from each node's address, since
    /// any node may become a replica.
    /// </summary>
    public async Task CreateAccountsAsync(IDbSession session, CancellationToken cancellationToken)
    {
        foreach (var anonymous in await session.QueryAsync("SELECT Host FROM mysql.user WHERE User = ''", cancellationToken: cancellationToken))
        {
            await session.ExecuteAsync("DROP USER ''@?", [anonymous.GetString("Host")], cancellationToken);
        }

        var adminHash = NativePasswordHash.Compute(context.Credentials.AdminPassword.Reveal());
        foreach (var host in files.ServerView.Allow.Select(MariaDbConfigFiles.HostPattern).Distinct())
        {
            await session.ExecuteAsync($"CREATE OR REPLACE USER ?@? IDENTIFIED BY PASSWORD ?{RequireSsl}", [context.Credentials.AdminUser, host, adminHash], cancellationToken);
            await session.ExecuteAsync("GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION", [context.Credentials.AdminUser, host], cancellationToken);

            // Without READ_ONLY ADMIN the admin account is refused writes on read-only replicas too.
            await session.ExecuteAsync("REVOKE READ_ONLY ADMIN ON *.* FROM ?@?", [context.Credentials.AdminUser, host], cancellationToken);
        }

        var replicationHash = NativePasswordHash.Compute(context.Credentials.RequiredReplicationPassword().Reveal());
        foreach (var host in files.ServerView.Nodes.Select(r => r.Host == "localhost" ? "127.0.0.1" : r.Host).Distinct())
        {
            await session.ExecuteAsync($"CREATE OR REPLACE USER ?@? IDENTIFIED BY PASSWORD ?{RequireSsl}", [context.Credentials.ReplicationUser, host, replicationHash], cancellationToken);
            await session.ExecuteAsync("GRANT REPLICATION SLAVE ON *.* TO ?@?", [context.Credentials.ReplicationUser, host], cancellationToken);
        }
    }

    /// <summary>Points the node at <paramref name="source"/> by GTID and starts replicating; <paramref name="demote"/> continues from its own binary log.</summary>
    public async Task ChangeMasterAsync(IDbSession session, NodeDefinition replica, NodeDefinition source, bool demote, CancellationToken cancellationToken)
    {
        // The replica's IO thread checks the source's certificate against the CA on the replica's host.
        var tls = replica.Tls switch
        {
            TlsMode.VerifyFull => ", MASTER_SSL = 1, MASTER_SSL_CA = ?, MASTER_SSL_VERIFY_SERVER_CERT = 1",
            TlsMode.Require => ", MASTER_SSL = 1, MASTER_SSL_CA = '', MASTER_SSL_VERIFY_SERVER_CERT = 0",
            _ => ", MASTER_SSL = 0, MASTER_SSL_CA = '', MASTER_SSL_VERIFY_SERVER_CERT = 0",
        };
        List<object?> values = [files.Addressed(source).Host, files.Addressed(source).Port, context.Credentials.ReplicationUser, context.Credentials.RequiredReplicationPassword().Reveal()];
        if (replica.Tls == TlsMode.VerifyFull)
        {
            values.Add(files.Paths(replica).TlsCaFile);
        }

        await session.ExecuteAsync(
            "CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = ?, MASTER_USER = ?, MASTER_PASSWORD = ?, MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1" +
            tls + (demote ? ", MASTER_DEMOTE_TO_SLAVE = 1" : ""),
            values,
            cancellationToken);
        await session.ExecuteAsync("START SLAVE", cancellationToken: cancellationToken);
        await MendMissedAcknowledgementAsync(session, replica, source, cancellationToken);
    }

    /// <summary>
    /// Reconnects a semi-synchronous replica that holds commits its source waits on, which its
    /// connection by GTID did not acknowledge (see <see cref="MariaDbMissedAcknowledgement"/>).
    /// A source that does not answer in time (frozen, say) or a mending that fails leaves the
    /// replica's connection as it was made, and the progress says so: status reports the stall.
    /// </summary>
    public async Task MendMissedAcknowledgementAsync(IDbSession session, NodeDefinition replica, NodeDefinition source, CancellationToken cancellationToken)
    {
        if (!MariaDbSemiSync.Sides(context.Environment, replica).Replica)
        {
            return;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(MendLimit);
        try
        {
            await using var sourceSession = await LocalRootSessionAsync(source, limit.Token);
            if (await MariaDbMissedAcknowledgement.MendAsync(session, sourceSession, engine.Replay, limit.Token))
            {
                context.Progress.Report(new ProgressEvent(
                    replica.Name,
                    $"reconnected once by file and position: it held the commits {source.Name} waited on, and MariaDB does not count a connection by GTID as their acknowledgement",
                    ProgressKind.Info));
            }
        }
        catch (Exception e) when (e is DatabaseException or LocalProviderException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            context.Progress.Report(new ProgressEvent(replica.Name, $"could not check whether {source.Name} waits for an acknowledgement {replica.Name} holds: {e.Message}", ProgressKind.Info));
        }
    }

    /// <summary>The longest a mending takes: each of its steps waits 10 s at most.</summary>
    private static readonly TimeSpan MendLimit = TimeSpan.FromSeconds(45);
}
