using Orchestrator.Data;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.Servers;
using Orchestrator.State;
using Orchestrator.Context;

namespace Orchestrator.Monitoring;

/// <summary>Reads the statistics of every node (or the named ones) in parallel, each within a time limit; a node that cannot be read is a row with its error.</summary>
internal static class StatsCollector
{
    /// <param name="sessions">Sessions kept between reads; by default each read connects and disconnects.</param>
    public static async Task<EnvironmentStats> ReadAsync(
        EnvironmentContext context, IReadOnlyList<string> nodes, StatsRequest request, TimeSpan perNode, CancellationToken cancellationToken, INodeSessions? sessions = null)
    {
        var (environment, engine) = (context.Definition, context.Engine);
        foreach (var name in nodes.Where(n => environment.Nodes.All(d => d.Name != n)))
        {
            throw new StatsRequestException($"environment '{environment.Name}' has no node '{name}' (nodes: {string.Join(", ", environment.Nodes.Select(n => n.Name))})");
        }

        var credentials = context.Credentials;
        var selected = environment.Nodes.Where(n => nodes.Count == 0 || nodes.Contains(n.Name));
        var read = await Task.WhenAll(selected.Select(node => ReadNodeAsync(environment, engine, credentials, node, request, perNode, sessions, cancellationToken)));
        return new EnvironmentStats(environment.Name, environment.Engine, read);
    }

    private static async Task<NodeStats> ReadNodeAsync(
        EnvironmentDefinition environment,
        IEngine engine,
        EnvironmentCredentials credentials,
        NodeDefinition node,
        StatsRequest request,
        TimeSpan limit,
        INodeSessions? sessions,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            if (sessions is not null)
            {
                return await engine.Stats.ReadAsync(node.Name, await sessions.OpenAsync(node, timeout.Token), request, timeout.Token);
            }

            await using var session = await engine.ConnectAsync(engine.AdminTarget(node, credentials, environment.Database), timeout.Token);
            return await engine.Stats.ReadAsync(node.Name, session, request, timeout.Token);
        }
        catch (Exception e) when (e is DatabaseException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            sessions?.Discard(node);
            var why = e is OperationCanceledException ? $"no answer within {limit.TotalSeconds:0.#} s" : Redactor.Redact(e.Message);
            return new NodeStats(node.Name, why);
        }
    }
}

/// <summary>The request names something the environment does not have (bad input).</summary>
internal sealed class StatsRequestException(string message) : Exception(message);
