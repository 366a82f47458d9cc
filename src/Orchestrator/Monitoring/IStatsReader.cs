using Orchestrator.Data;

namespace Orchestrator.Monitoring;

/// <summary>What to read: which tables (a glob on the table name), exact row counts, and the age that makes a transaction long.</summary>
internal sealed record StatsRequest(string? TablePattern = null, bool Exact = false)
{
    public TimeSpan LongTransaction { get; init; } = TimeSpan.FromSeconds(60);

    public bool Includes(string table) => TablePattern is null || Glob.Matches(TablePattern, table) || Glob.Matches(TablePattern, table[(table.LastIndexOf('.') + 1)..]);
}

/// <summary>Reads one engine's table, index and server statistics over a session to the application database. One implementation per engine folder.</summary>
internal interface IStatsReader
{
    Task<NodeStats> ReadAsync(string node, IDbSession session, StatsRequest request, CancellationToken cancellationToken);
}
