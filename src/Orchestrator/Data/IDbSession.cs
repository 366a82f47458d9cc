namespace Orchestrator.Data;

/// <summary>
/// The small connection interface every engine implements (Npgsql for PostgreSQL,
/// MySqlConnector for MariaDB). SQL text is engine-specific; values are always passed as
/// parameters, in the engine's own placeholder syntax ($1 on PostgreSQL, ? on MariaDB).
/// A session is used by one caller at a time.
/// </summary>
internal interface IDbSession : IAsyncDisposable
{
    /// <summary>The server's version as a person reads it (MariaDB's wire prefix removed).</summary>
    string ServerVersion { get; }

    /// <summary>The open ADO.NET connection, for code that needs one (FluentMigrator's Execute.WithConnection, schema questions).</summary>
    System.Data.Common.DbConnection Connection { get; }

    Task<long> ExecuteAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DbRow>> QueryAsync(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs statements in order, in one round trip where the driver can, and returns the first
    /// value of the last query's first row (null when none returned rows), so a batch can end by
    /// asking something. A failure throws a <see cref="DatabaseException"/> whose
    /// <see cref="DatabaseException.StatementIndex"/> names the statement; the statements after it do not run.
    /// </summary>
    Task<object?> ExecuteBatchAsync(IReadOnlyList<SqlStatement> statements, CancellationToken cancellationToken = default);
}
