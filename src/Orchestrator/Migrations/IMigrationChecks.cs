using FluentMigrator.Expressions;
using Orchestrator.Migrations.Lint;

namespace Orchestrator.Migrations;

/// <summary>What one engine cannot take or keeps differently from what a migration says, found before anything runs.</summary>
internal interface IMigrationChecks
{
    /// <summary>Why the engine cannot take <paramref name="name"/> as an identifier (too long), or null.</summary>
    string? IdentifierProblem(string name);

    /// <summary>
    /// The name the engine keeps when it silently shortens <paramref name="name"/> (PostgreSQL
    /// cuts identifiers to 63 bytes), or null when it keeps it whole.
    /// </summary>
    string? KeptName(string name) => null;

    /// <summary>How long a name the engine keeps whole, for messages ("63 bytes").</summary>
    string NameLimit => "";

    /// <summary>
    /// Why the engine cannot do what an expression asks although its generator writes SQL for it
    /// (SQLite adding a primary-key column), or null. The migration is refused before anything runs.
    /// </summary>
    string? CannotRun(IMigrationExpression expression) => null;

    /// <summary>What to do about a statement the server refused, beyond its message (a change it could only make by copying the table), or null.</summary>
    string? FailureAdvice(Data.DatabaseException error) => null;

    /// <summary>Why a statement cannot run inside a transaction (e.g. CREATE INDEX CONCURRENTLY), or null.</summary>
    string? NeedsNoTransaction(string statement);

    /// <summary>
    /// The replication-safety finding for one expression of a pending migration, or null. Tables
    /// created earlier in the same run are empty, so changes to them are never risky.
    /// </summary>
    LintWarning? Lint(ProjectMigration migration, IMigrationExpression expression, IReadOnlySet<string> tablesCreatedInRun);
}
