using FluentMigrator.Expressions;

namespace Orchestrator.Migrations.Translation;

/// <summary>One thing a migration does when it runs, in order: a SQL statement, or code of the migration run with the connection.</summary>
internal abstract record MigrationStep
{
    /// <summary>How the step reads in a plan and in the checksum: the SQL, or a comment naming the code.</summary>
    public abstract string Text { get; }
}

/// <summary>A single SQL statement (PostgreSQL) or a statement as the migration wrote it (MariaDB parses scripts itself).</summary>
internal sealed record SqlStep(string Sql) : MigrationStep
{
    public override string Text => Sql;
}

/// <summary><c>Execute.WithConnection</c>: the migration's own code, given the ADO.NET connection and the migration's transaction.</summary>
internal sealed record CodeStep(PerformDBOperationExpression Expression) : MigrationStep
{
    public override string Text => $"-- Execute.WithConnection: {(string.IsNullOrWhiteSpace(Expression.Description) ? "code run with the connection" : Expression.Description)}";
}

/// <summary>
/// A statement of a migration's online form that runs after the migration's transaction
/// committed, on its own, so that the scan it does holds no lock writers need (PostgreSQL's
/// CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT). It is safe to run again: <see cref="State"/>
/// asks the schema whether its effect is there, and <see cref="ClearLeftover"/> removes what a
/// failed or killed attempt left (an invalid index) before the next one.
/// </summary>
/// <param name="State">A query whose single row has a text column <c>state</c>: 'done', 'missing', or 'leftover'.</param>
/// <param name="Cost">What the statement costs the table, for plan and progress.</param>
internal sealed record OnlineStep(string Sql, Data.SqlStatement State, string? ClearLeftover, StatementCost Cost) : MigrationStep
{
    public override string Text => Sql;

    /// <summary>
    /// What is in force until this statement is done, and how to back it out, for the message of
    /// its failure (a constraint added NOT VALID already checks new rows), or null.
    /// </summary>
    public string? MeanwhileInForce { get; init; }

    /// <summary>The online table copy this step makes, instead of running <see cref="Sql"/> (which then only describes it); null for a statement.</summary>
    public TableCopy? Copy { get; init; }
}

/// <summary>What the online form did with one expression of a migration (<see cref="Expression"/> indexes its expressions), or why it left it as written.</summary>
internal sealed record OnlineChange(int Expression, string Note, bool Applied);

/// <summary>
/// A check an online form makes before a statement that would not make it itself (MariaDB adds a
/// foreign key in place only unchecked): the migration fails with <see cref="Problem"/> when
/// <see cref="Query"/> returns a row, which names the first offending values.
/// </summary>
internal sealed record CheckStep(Data.SqlStatement Query, string Problem) : MigrationStep
{
    public override string Text => $"-- fails when any row: {Query.Sql}";
}
