using System.Data.Common;
using FluentMigrator;
using Orchestrator.Environments;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Migrations;

/// <summary>How one engine's SQL is written and sent: FluentMigrator's generator and names for it, statement splitting, schema questions.</summary>
internal interface IMigrationGeneration
{
    /// <summary>
    /// Every name a user would write in <c>IfDatabase(...)</c> for this engine (FluentMigrator
    /// compares them case-insensitively), the FluentMigrator ids of all its versions included.
    /// </summary>
    IReadOnlyList<string> DatabaseNames { get; }

    /// <summary>FluentMigrator's id of the chosen generator: what an <c>IfDatabase(predicate)</c> is given.</summary>
    string DatabaseType(MigrationDialect dialect);

    /// <summary>FluentMigrator's generator for the chosen dialect, configured for this engine and the connected database.</summary>
    ConfiguredGenerator CreateGenerator(MigrationDialect dialect, DbConnection connection);

    /// <summary>
    /// Splits SQL text into the statements to send one by one, where the engine needs that
    /// (PostgreSQL's extended protocol takes one statement per command). Empty parts are dropped.
    /// </summary>
    IReadOnlyList<string> SplitStatements(string sql);

    ISchemaQuestions SchemaQuestions(DbConnection connection);
}

/// <summary>
/// A generator configured for one database, and what of that database its SQL depends on (empty:
/// nothing). The databases a project migrates in one run (shards) share translations only where
/// these settings are equal.
/// </summary>
internal sealed record ConfiguredGenerator(IMigrationGenerator Generator, string DatabaseSettings = "");
