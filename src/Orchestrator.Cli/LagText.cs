using System.Globalization;
using Orchestrator.Servers;
using Orchestrator.Topology;

namespace Orchestrator.Cli;

/// <summary>A replica's lag as the measures its engine reports: bytes of WAL, transactions, seconds.</summary>
internal static class LagText
{
    /// <summary>Each reported measure, for example "0 B" or "3 trx" and "1 s"; empty for a node that is not a replica.</summary>
    public static IReadOnlyList<string> Parts(NodeStatus node, string unitSeparator = " ")
    {
        if (node.Role != ObservedRole.Replica)
        {
            return [];
        }

        var parts = new List<string>();
        if (node.LagBytes is { } bytes)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{bytes}{unitSeparator}B"));
        }

        if (node.LagTransactions is { } transactions)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{transactions}{unitSeparator}trx"));
        }

        if (node.LagSeconds is { } seconds)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{seconds:0}{unitSeparator}s"));
        }

        return parts;
    }

    /// <summary>True when every reported measure is zero.</summary>
    public static bool CaughtUp(NodeStatus node) => node.LagBytes is null or 0 && node.LagTransactions is null or 0 && node.LagSeconds is null or 0;
}
