using System.Globalization;
using Orchestrator.Data;

namespace Orchestrator.Migrations.Running;

/// <summary>A session holding a lock that a migration's statement waits for, as the server describes it.</summary>
internal sealed record LockBlocker(long Session, string? User, string? Query, TimeSpan? TransactionAge)
{
    /// <summary>A row of an engine's blocker query, whose columns are id, user_name, query and age (seconds).</summary>
    public static LockBlocker Of(DbRow row) =>
        new(row.GetInt64("id") ?? 0, row.GetString("user_name"), row.GetString("query"), row.GetDouble("age") is { } age ? TimeSpan.FromSeconds(age) : null);

    public override string ToString()
    {
        var age = TransactionAge is { } a ? string.Create(CultureInfo.InvariantCulture, $", transaction open {a.TotalSeconds:0.0} s") : "";
        var query = string.IsNullOrWhiteSpace(Query) ? "idle" : Query.Length > 120 ? $"{Query[..117].ReplaceLineEndings(" ")}..." : Query.ReplaceLineEndings(" ");
        return $"session {Session} ({User ?? "unknown user"}{age}): {query}";
    }
}

/// <summary>How one engine bounds a migration's lock waits and names what it waits for.</summary>
internal interface ILockWaits
{
    /// <summary>Statements that make each later lock wait of the session give up after <paramref name="timeout"/>; none where the engine has no such bound.</summary>
    IReadOnlyList<SqlStatement> BoundWaits(TimeSpan timeout);

    /// <summary>Whether the statement failed because a lock wait reached the session's bound.</summary>
    bool IsLockTimeout(DatabaseException error);

    /// <summary>Whether the server ended a deadlock by rolling back the statement's transaction: the transaction may simply run again.</summary>
    bool IsDeadlock(DatabaseException error);

    /// <summary>A query whose single value is the session's id as <see cref="BlockersAsync"/> takes it.</summary>
    string SessionIdSql { get; }

    /// <summary>
    /// Asked over another session: the sessions that hold the locks session <paramref name="waiting"/>
    /// waits for now (on engines that cannot tell exactly, the sessions that may); empty when it waits for none.
    /// </summary>
    Task<IReadOnlyList<LockBlocker>> BlockersAsync(IDbSession observer, long waiting, CancellationToken cancellationToken);
}

/// <summary>An engine whose lock waits the tool does not bound (SQLite: one writer, its own busy timeout).</summary>
internal sealed class UnboundedLockWaits : ILockWaits
{
    public static readonly UnboundedLockWaits Instance = new();

    public string SessionIdSql => "SELECT 0";

    public IReadOnlyList<SqlStatement> BoundWaits(TimeSpan timeout) => [];

    public bool IsLockTimeout(DatabaseException error) => false;

    public bool IsDeadlock(DatabaseException error) => false;

    public Task<IReadOnlyList<LockBlocker>> BlockersAsync(IDbSession observer, long waiting, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<LockBlocker>>([]);
}
