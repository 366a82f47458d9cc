namespace Orchestrator.Data;

/// <summary>An error reported by a database server or its client library, with the server's code.</summary>
internal sealed class DatabaseException(string message, string code, Exception? inner = null, int? statementIndex = null) : Exception(message, inner)
{
    /// <summary>In a batch, the 0-based position of the statement that failed.</summary>
    public int? StatementIndex { get; } = statementIndex;

    /// <summary>The server's error number (MariaDB) or SQLSTATE (PostgreSQL).</summary>
    public string Code { get; } = code;
}
