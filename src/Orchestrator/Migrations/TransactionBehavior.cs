namespace Orchestrator.Migrations;

public enum TransactionBehavior
{
    /// <summary>The migration and its version row run in one transaction.</summary>
    Default,

    /// <summary>No transaction, for statements that cannot run in one (CREATE INDEX CONCURRENTLY).</summary>
    None,
}
