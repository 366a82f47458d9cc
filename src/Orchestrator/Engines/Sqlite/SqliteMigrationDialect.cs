using System.Data.Common;
using FluentMigrator;
using FluentMigrator.Expressions;
using FluentMigrator.Runner;
using FluentMigrator.Runner.Generators;
using FluentMigrator.Runner.Generators.SQLite;
using Microsoft.Extensions.Options;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Lint;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Engines.Sqlite;

/// <summary>
/// SQLite's migration SQL: FluentMigrator's SQLite generator in strict mode, so that what SQLite
/// cannot do (altering a column, adding a foreign key or a primary key to an existing table,
/// schemas, sequences) is refused by name before anything runs rather than skipped; scripts are
/// passed whole (the library runs every statement of a command).
/// </summary>
internal sealed class SqliteMigrationDialect : IMigrationDialect
{
    public IReadOnlyList<string> DatabaseNames { get; } = [ProcessorIdConstants.SQLite];

    public string DatabaseType(MigrationDialect dialect) => ProcessorIdConstants.SQLite;

    public ConfiguredGenerator CreateGenerator(MigrationDialect dialect, DbConnection connection) =>
        new(new SQLiteGenerator(new SQLiteQuoter(), new SQLiteTypeMap(), Options.Create(new GeneratorOptions { CompatibilityMode = CompatibilityMode.STRICT })));

    public IReadOnlyList<string> SplitStatements(string sql) => [sql];

    public ISchemaQuestions SchemaQuestions(DbConnection connection) => new SqliteSchemaQuestions(connection);

    public string? IdentifierProblem(string name) => null;

    /// <summary>Statements the generator writes for which SQLite has no form.</summary>
    public string? CannotRun(IMigrationExpression expression) => expression switch
    {
        CreateColumnExpression { Column.IsPrimaryKey: true } =>
            "SQLite cannot add a PRIMARY KEY column to an existing table; create the table with it, or create a new table and copy the rows",
        CreateColumnExpression { Column.IsUnique: true } =>
            "SQLite cannot add a UNIQUE column to an existing table; add the column, then a unique index (Create.Index(...).Unique())",
        CreateConstraintExpression { Constraint.IsPrimaryKeyConstraint: true } =>
            "SQLite cannot add a primary key to an existing table; create the table with it, or create a new table and copy the rows",
        _ => null,
    };

    public string? NeedsNoTransaction(string statement) =>
        statement.TrimStart().StartsWith("VACUUM", StringComparison.OrdinalIgnoreCase) ? "SQLite runs VACUUM outside transactions only" : null;

    /// <summary>A SQLite file has no replicas to protect.</summary>
    public LintWarning? Lint(ProjectMigration migration, IMigrationExpression expression, IReadOnlySet<string> tablesCreatedInRun) => null;
}
