using Orchestrator.Data;
using Orchestrator.Engines.MariaDb.Native;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// <see cref="IDbSession"/> over MariaDB Connector/C. The library's calls block, so each runs
/// on the thread pool, one at a time per connection. Parameters are ? placeholders.
/// </summary>
internal sealed class MariaDbSession : IDbSession
{
    private readonly MariaDbConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private MariaDbSession(MariaDbConnection connection) => _connection = connection;

    public string ServerVersion => _connection.ServerVersion;

    public static async Task<MariaDbSession> OpenAsync(ConnectionTarget target, CancellationToken cancellationToken) =>
        new(await Task.Run(() => MariaDbConnection.Open(target, TimeSpan.FromSeconds(10)), cancellationToken));

    public async Task<long> ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
        (await RunAsync(sql, parameters, cancellationToken)).Affected;

    public async Task<IReadOnlyList<DbRow>> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default) =>
        (await RunAsync(sql, parameters, cancellationToken)).Rows;

    /// <summary>
    /// One multi-statement query, one round trip. The failing statement's position is exact
    /// when each statement is a single SQL statement; callers with scripts run them one by one.
    /// </summary>
    public async Task ExecuteBatchAsync(IReadOnlyList<SqlStatement> statements, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await Task.Run(
                () => _connection.Run(string.Join(";\n", statements.Select(s => s.Parameters is { Count: > 0 } p ? MariaDbSql.Bind(s.Sql, p, _connection.Escape) : s.Sql))),
                cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _connection.Dispose();
        }
        finally
        {
            _gate.Release();
            _gate.Dispose();
        }
    }

    private async Task<(IReadOnlyList<DbRow> Rows, long Affected)> RunAsync(string sql, IReadOnlyList<object?>? parameters, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(
                () => _connection.Run(parameters is { Count: > 0 } ? MariaDbSql.Bind(sql, parameters, _connection.Escape) : sql),
                cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }
}
