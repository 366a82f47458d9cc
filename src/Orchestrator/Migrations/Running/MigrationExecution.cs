using Orchestrator.Data;

namespace Orchestrator.Migrations.Running;

/// <summary>
/// A migration's statements with the engine's transaction control around them, each tagged with
/// the migration statement it came from (-1 for control and bookkeeping). Where DDL is
/// transactional one transaction spans everything; where schema changes commit implicitly
/// (MariaDB), a transaction is opened before data changes that follow one, and before the
/// version rows, so that those commit together. An atomic batch needs no control at all, and a
/// migration declared TransactionBehavior.None gets none.
/// </summary>
internal sealed class MigrationExecution
{
    private readonly IMigrationStore _store;
    private readonly bool _openAtEnd;

    public MigrationExecution(PlannedMigration step, IMigrationStore store, bool atomic)
    {
        Step = step;
        _store = store;
        Transactional = step.Migration.TransactionBehavior == TransactionBehavior.Default;
        Controlled = Transactional && !atomic;
        var body = new List<(SqlStatement, int)>();
        var open = !Controlled;
        for (var i = 0; i < step.Statements.Count; i++)
        {
            var isData = StatementKind.IsDataChange(step.Statements[i]);
            if (!open && (store.TransactionalDdl || isData))
            {
                body.Add((new SqlStatement(store.BeginTransactionSql), -1));
                open = true;
            }

            body.Add((new SqlStatement(step.Statements[i]), i));

            // A schema change committed implicitly and left the session in autocommit.
            open &= !Controlled || store.TransactionalDdl || isData;
        }

        Body = body;
        _openAtEnd = open;
    }

    public PlannedMigration Step { get; }

    public bool Transactional { get; }

    /// <summary>True when the runner issues BEGIN/COMMIT itself (and must ROLLBACK on failure).</summary>
    public bool Controlled { get; }

    public IReadOnlyList<(SqlStatement Statement, int Origin)> Body { get; }

    /// <summary>The bookkeeping, inside the migration's (last) transaction, and the COMMIT.</summary>
    public IEnumerable<(SqlStatement Statement, int Origin)> Tail(IReadOnlyList<SqlStatement> bookkeeping)
    {
        if (!_openAtEnd)
        {
            yield return (new SqlStatement(_store.BeginTransactionSql), -1);
        }

        foreach (var statement in bookkeeping)
        {
            yield return (statement, -1);
        }

        if (Controlled)
        {
            yield return (new SqlStatement("COMMIT"), -1);
        }
    }
}
