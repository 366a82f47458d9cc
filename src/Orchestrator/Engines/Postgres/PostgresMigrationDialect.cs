using System.Data.Common;
using System.Text.RegularExpressions;
using FluentMigrator;
using FluentMigrator.Expressions;
using FluentMigrator.Infrastructure.Extensions;
using FluentMigrator.Model;
using FluentMigrator.Postgres;
using FluentMigrator.Runner.Generators;
using FluentMigrator.Runner.Generators.Postgres;
using FluentMigrator.Runner.Generators.Postgres92;
using FluentMigrator.Runner.Processors.Postgres;
using Microsoft.Extensions.Options;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Lint;
using Orchestrator.Migrations.Online;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Engines.Postgres;

/// <summary>PostgreSQL's migration SQL: FluentMigrator's PostgreSQL generators, statement splitting, its catalog and its risky statements.</summary>
internal sealed partial class PostgresMigrationDialect : IMigrationDialect
{
    public IReadOnlyList<string> DatabaseNames { get; } =
    [
        ProcessorIdConstants.Postgres, ProcessorIdConstants.PostgreSQL, ProcessorIdConstants.Postgres92, ProcessorIdConstants.PostgreSQL92, "PostgreSQL9_2",
        ProcessorIdConstants.PostgreSQL10_0, ProcessorIdConstants.PostgreSQL11_0, ProcessorIdConstants.PostgreSQL15_0,
    ];

    public string DatabaseType(MigrationDialect dialect) => dialect switch
    {
        MigrationDialect.Postgres11 => ProcessorIdConstants.PostgreSQL11_0,
        MigrationDialect.Postgres10 => ProcessorIdConstants.PostgreSQL10_0,
        MigrationDialect.Postgres92 => ProcessorIdConstants.Postgres92,
        MigrationDialect.Postgres => ProcessorIdConstants.Postgres,
        _ => ProcessorIdConstants.PostgreSQL15_0,
    };

    public ConfiguredGenerator CreateGenerator(MigrationDialect dialect, DbConnection connection)
    {
        var quoter = new PostgresQuoter(new PostgresOptions());
        var options = Options.Create(new GeneratorOptions());
        return new(dialect switch
        {
            MigrationDialect.Postgres11 => new Postgres11_0Generator(quoter, options),
            MigrationDialect.Postgres10 => new Postgres10_0Generator(quoter, options),
            MigrationDialect.Postgres92 => new Postgres92Generator(quoter, options),
            MigrationDialect.Postgres => new PostgresGenerator(quoter, options),
            _ => new Postgres15_0Generator(quoter, options),
        });
    }

    public IReadOnlyList<string> SplitStatements(string sql) => PostgresStatementSplitter.Split(sql);

    public ISchemaQuestions SchemaQuestions(DbConnection connection) => new PostgresSchemaQuestions(connection);

    /// <summary>
    /// PostgreSQL takes any name: a longer one is cut (NAMEDATALEN is 64), which FluentMigrator's
    /// own runner lets happen, so existing projects run unchanged (see <see cref="KeptName"/>).
    /// </summary>
    public string? IdentifierProblem(string name) => null;

    /// <summary>The first 63 bytes, ending on a whole character, as the server cuts a longer name (with only a NOTICE).</summary>
    public string? KeptName(string name)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(name) <= MaxNameBytes)
        {
            return null;
        }

        var length = 0;
        var bytes = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > MaxNameBytes)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            length += rune.Utf16SequenceLength;
        }

        return name[..length];
    }

    public string NameLimit => $"{MaxNameBytes} bytes";

    private const int MaxNameBytes = 63;

    public string? NeedsNoTransaction(string statement) =>
        NoTransactionStatement().Match(statement) is { Success: true } match
            ? $"{Regex.Replace(match.Value.Trim(), @"\s+", " ").ToUpperInvariant()} cannot run inside a transaction"
            : null;

    public LintWarning? Lint(ProjectMigration migration, IMigrationExpression expression, IReadOnlySet<string> tablesCreatedInRun) => expression switch
    {
        CreateIndexExpression e when !tablesCreatedInRun.Contains(e.Index.TableName) && !PostgresOnlineForms.IsConcurrent(e) => new(
            migration,
            $"CREATE INDEX \"{e.Index.Name}\" on existing table \"{e.Index.TableName}\" blocks writes to it while it builds",
            $".WithOptions().AsConcurrently() in a migration declared [Migration({migration.Version}, TransactionBehavior.None)]"),
        AlterColumnExpression { Column.IsNullable: false } e when !tablesCreatedInRun.Contains(e.TableName) => new(
            migration,
            $"altering \"{e.TableName}\".\"{e.Column.Name}\" to {e.Column.Type?.ToString() ?? e.Column.CustomType} NOT NULL can rewrite the table under an exclusive lock (a changed type), and SET NOT NULL scans it; every replica replays both",
            $"add CHECK (\"{e.Column.Name}\" IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a later migration, then SET NOT NULL; change a type by adding a column and backfilling it"),
        AlterColumnExpression e when !tablesCreatedInRun.Contains(e.TableName) => new(
            migration,
            $"altering \"{e.TableName}\".\"{e.Column.Name}\" rewrites the table under an exclusive lock when its type changes, and every replica replays the rewrite",
            "add a new column, backfill it in batches, then switch readers and drop the old one"),
        CreateColumnExpression { Column.DefaultValue: SystemMethods.NewGuid } e when !tablesCreatedInRun.Contains(e.TableName) => new(
            migration,
            $"adding \"{e.TableName}\".\"{e.Column.Name}\" with a volatile default (gen_random_uuid()) rewrites the whole table",
            "add the column without a default, set the default separately, then backfill existing rows in batches"),
        _ => null,
    };

    public OnlineForm? OnlineForm(IMigrationExpression expression, IReadOnlyList<MigrationStep> written, IMigrationGenerator generator, ColumnTypes current) =>
        PostgresOnlineForms.Of(expression, written, generator, KeptName, current);

    public string ColumnTypesSql =>
        "SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS column_type " +
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace " +
        "WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY (current_schemas(false)) AND a.attnum > 0 AND NOT a.attisdropped";

    public ITableCopies TableCopies => PostgresTableCopies.Instance;

    public StatementCost? Cost(string statement) => PostgresStatementCosts.Of(statement);

    [GeneratedRegex(@"^\s*((CREATE|DROP)\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY|REINDEX\b.*\bCONCURRENTLY|VACUUM|(CREATE|DROP)\s+(DATABASE|TABLESPACE)|ALTER\s+SYSTEM)\b", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex NoTransactionStatement();
}
