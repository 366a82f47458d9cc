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
