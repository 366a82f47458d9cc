using System.Data.Common;
using FluentMigrator;
using FluentMigrator.Expressions;
using Orchestrator.Environments;
using Orchestrator.Migrations.Lint;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Migrations;

/// <summary>What the migration runner needs to know about one engine's SQL. One implementation per engine folder.</summary>
internal interface IMigrationDialect
{
    /// <summary>
    /// Every name a user would write in <c>IfDatabase(...)</c> for this engine (FluentMigrator
    /// compares them case-insensitively), the FluentMigrator ids of all its versions included.
    /// </summary>
    IReadOnlyList<string> DatabaseNames { get; }

    /// <summary>FluentMigrator's id of the chosen generator: what an <c>IfDatabase(predicate)</c> is given.</summary>
    string DatabaseType(MigrationDialect dialect);

    /// <summary>FluentMigrator's generator for the chosen dialect, configured for this engine and the connected database.</summary>
    IMigrationGenerator CreateGenerator(MigrationDialect dialect, DbConnection connection);

    /// <summary>
    /// Splits SQL text into the statements to send one by one, where the engine needs that
    /// (PostgreSQL's extended protocol takes one statement per command); empty parts are dropped.
    /// </summary>
    IReadOnlyList<string> SplitStatements(string sql);

    ISchemaQuestions SchemaQuestions(DbConnection connection);

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
    /// (SQLite adding a primary-key column), or null; the migration is refused before anything runs.
    /// </summary>
    string? CannotRun(IMigrationExpression expression) => null;

    /// <summary>Why a statement cannot run inside a transaction (e.g. CREATE INDEX CONCURRENTLY), or null.</summary>
    string? NeedsNoTransaction(string statement);

    /// <summary>
    /// The replication-safety finding for one expression of a pending migration, or null; tables
    /// created earlier in the same run are empty, so changes to them are never risky.
    /// </summary>
    LintWarning? Lint(ProjectMigration migration, IMigrationExpression expression, IReadOnlySet<string> tablesCreatedInRun);
}
