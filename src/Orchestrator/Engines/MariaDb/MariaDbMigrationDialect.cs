using System.Data.Common;
using FluentMigrator;
using FluentMigrator.Expressions;
using FluentMigrator.Runner.Generators;
using FluentMigrator.Runner.Generators.MySql;
using Microsoft.Extensions.Options;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Data;
using Orchestrator.Migrations.Lint;
using Orchestrator.Migrations.Online;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// MariaDB's migration SQL: FluentMigrator's MySQL 8 generator (MariaDB 10.5+ has its RENAME
/// COLUMN) with utf8mb4 text, scripts passed whole (the server parses trigger and procedure
/// bodies), its catalog and its risky statements.
/// </summary>
internal sealed class MariaDbMigrationDialect : IMigrationDialect
{
    public IReadOnlyList<string> DatabaseNames { get; } =
    [
        ProcessorIdConstants.MariaDB, ProcessorIdConstants.MySql, ProcessorIdConstants.MySql4, ProcessorIdConstants.MySql_4,
        ProcessorIdConstants.MySql5, "MySQL 5", ProcessorIdConstants.MySql8, "MySQL 8",
    ];

    public string DatabaseType(MigrationDialect dialect) => ProcessorIdConstants.MySql8;

    /// <summary>Text columns name utf8mb4 where the database's default character set is another: the settings say which.</summary>
    public ConfiguredGenerator CreateGenerator(MigrationDialect dialect, DbConnection connection)
    {
        var utf8mb4 = DatabaseIsUtf8mb4(connection);
        return new(
            new MySql8Generator(new MySqlQuoter(), new Utf8mb4TypeMap(utf8mb4), Options.Create(new GeneratorOptions())),
            utf8mb4 ? "" : "text columns name utf8mb4");
    }

    public IReadOnlyList<string> SplitStatements(string sql) => [sql];

    public ISchemaQuestions SchemaQuestions(DbConnection connection) => new MariaDbSchemaQuestions(connection);

    public string? IdentifierProblem(string name) => name.Length > 64 ? $"is {name.Length} characters long; MariaDB allows 64" : null;

    public string? NeedsNoTransaction(string statement) => null;

    public LintWarning? Lint(ProjectMigration migration, IMigrationExpression expression, IReadOnlySet<string> tablesCreatedInRun) => expression switch
    {
        AlterColumnExpression e when !tablesCreatedInRun.Contains(e.TableName) => new(
            migration,
            $"MODIFY COLUMN `{e.Column.Name}` on existing table `{e.TableName}` cannot always run with ALGORITHM=INSTANT or INPLACE, LOCK=NONE; a table copy blocks writes and replicas replay it",
            "check it with ALTER TABLE ... ALGORITHM=INSTANT (or INPLACE, LOCK=NONE) on a copy first, or add a new column and backfill it"),
        _ => null,
    };

    public OnlineForm? OnlineForm(IMigrationExpression expression, IReadOnlyList<MigrationStep> written, IMigrationGenerator generator, ColumnTypes current) =>
        MariaDbOnlineForms.Of(expression, written, generator, current);

    public string ColumnTypesSql =>
        "SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, COLUMN_TYPE AS column_type FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()";

    public ITableCopies TableCopies => MariaDbTableCopies.Instance;

    public StatementCost? Cost(string statement) => MariaDbStatementCosts.Of(statement);

    public string? FailureAdvice(DatabaseException error) => MariaDbOnlineForms.Refusals.Contains(error.Code)
        ? "The server can make this change only by copying the table (or locking it) while writes to it wait, so its online form (ALGORITHM=INPLACE, LOCK=NONE) was refused. " +
          "To keep writers going, add a new column, backfill it in batches and switch to it; to run the change as written anyway, list the migration's version in 'migrations.offline' in the environment file."
        : null;

    private static bool DatabaseIsUtf8mb4(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT @@character_set_database";
        return command.ExecuteScalar() is string charset && charset.Equals("utf8mb4", StringComparison.OrdinalIgnoreCase);
    }
}
