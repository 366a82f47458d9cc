using System.Text.RegularExpressions;
using FluentMigrator;
using FluentMigrator.Expressions;
using FluentMigrator.Infrastructure.Extensions;
using FluentMigrator.Model;
using FluentMigrator.Postgres;
using Orchestrator.Data;
using Orchestrator.Migrations.Online;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Engines.Postgres;

/// <summary>
/// PostgreSQL's online forms. What scans a table under a lock that writers need is moved out of
/// the migration's transaction: an index is built CONCURRENTLY; a foreign key is added NOT VALID
/// (a brief lock, checked for new rows from then on) and validated afterwards, which locks no
/// writer; SET NOT NULL goes through a validated CHECK (… IS NOT NULL), which lets it skip its
/// scan (PostgreSQL 12 and later); a unique constraint takes over a concurrently built unique index.
/// </summary>
internal static partial class PostgresOnlineForms
{
    /// <summary>Two scans in fact, each after the transactions then using the table have ended.</summary>
    private static readonly StatementCost IndexBuildCost = new("SHARE UPDATE EXCLUSIVE", LockSpan.Scan, BlocksWrites: false);

    private static readonly StatementCost ValidateCost = new("SHARE UPDATE EXCLUSIVE", LockSpan.Scan, BlocksWrites: false);

    /// <summary>SET NOT NULL after a validated check, dropping that check, making a built index the constraint: none reads the table.</summary>
    private static readonly StatementCost BriefCost = new("ACCESS EXCLUSIVE", LockSpan.Brief, BlocksWrites: true);

    public static OnlineForm? Of(IMigrationExpression expression, IReadOnlyList<MigrationStep> written, IMigrationGenerator generator, Func<string, string?> keptName, ColumnTypes current) => expression switch
    {
        AlterColumnExpression e when TypeChange(e, written, current) is var (from, to) =>
            TableCopyForm.Of(e, generator, sql => PostgresStatementSplitter.Split(sql).Where(s => !string.IsNullOrWhiteSpace(s)), from, to, written.Select(s => s.Text).ToList()),
        CreateIndexExpression e when !IsConcurrent(e) && written is [SqlStep step] && CreateIndex().IsMatch(step.Sql) =>
            Index(e.Index.SchemaName, e.Index.TableName, Kept(e.Index.Name, keptName), CreateIndex().Replace(step.Sql, "CREATE $1INDEX CONCURRENTLY ", 1)),
        CreateForeignKeyExpression e when written is [SqlStep step] && !step.Sql.Contains("NOT VALID", StringComparison.OrdinalIgnoreCase) =>
            ForeignKey(e.ForeignKey, Kept(e.ForeignKey.Name, keptName), step.Sql),
        AlterColumnExpression { Column.IsNullable: false } e => NotNull(e, generator, keptName),
        CreateConstraintExpression { Constraint: { IsUniqueConstraint: true } c } when written is [SqlStep] && c.Columns.Count > 0 =>
            Unique(c, Kept(c.ConstraintName, keptName)),
        _ => null,
    };

    /// <summary>The column's type before and after, when the change rewrites the table; null otherwise.</summary>
    private static (string From, string To)? TypeChange(AlterColumnExpression e, IReadOnlyList<MigrationStep> written, ColumnTypes current) =>
        written.OfType<SqlStep>().Select(s => PostgresTypeChange.Target(s.Sql, e.Column.Name)).FirstOrDefault(t => t is not null) is { } to
        && current.Of(e.TableName, e.Column.Name) is { } from && PostgresTypeChange.Rewrites(from, to)
            ? (from, to)
            : null;

    private static OnlineForm Index(string? schema, string table, string name, string concurrently) => new(
        table,
        [],
        [IndexStep(schema, name, concurrently)],
        Defers: true,
        $"index \"{name}\" on existing table \"{table}\": built CONCURRENTLY after the transaction, writers go on");

    private static OnlineForm ForeignKey(ForeignKeyDefinition fk, string name, string sql)
    {
        var table = Table(fk.ForeignTableSchema, fk.ForeignTable);
        return new OnlineForm(
            fk.ForeignTable,
            [new SqlStep(sql + " NOT VALID")],
            [new OnlineStep(
                $"ALTER TABLE {table} VALIDATE CONSTRAINT {PostgresSql.Identifier(name)}",
                new SqlStatement(
                    "SELECT COALESCE((SELECT CASE WHEN convalidated THEN 'done' ELSE 'missing' END FROM pg_constraint WHERE conrelid = to_regclass($1) AND conname = $2), 'missing') AS state",
                    [table, name]),
                null,
                ValidateCost)
            {
                MeanwhileInForce = $"Foreign key \"{name}\", added NOT VALID by the transaction, already checks new and changed rows of \"{fk.ForeignTable}\"; " +
                    $"to back it out instead: ALTER TABLE {table} DROP CONSTRAINT {PostgresSql.Identifier(name)}",
            }],
            Defers: false,
            $"foreign key \"{name}\" on existing table \"{fk.ForeignTable}\": added NOT VALID in the transaction, validated after it without blocking writers");
    }

    private static OnlineForm NotNull(AlterColumnExpression e, IMigrationGenerator generator, Func<string, string?> keptName)
    {
        var table = Table(e.SchemaName, e.TableName);
        var column = PostgresSql.Identifier(e.Column.Name);
        var check = Kept($"{e.TableName}_{e.Column.Name}_not_null", keptName);
        var rest = (ColumnDefinition)e.Column.Clone();
        rest.IsNullable = null;
        var inPlace = PostgresStatementSplitter.Split(generator.Generate(new AlterColumnExpression { SchemaName = e.SchemaName, TableName = e.TableName, Column = rest }))
            .Where(s => !string.IsNullOrWhiteSpace(s))
            .Select(s => (MigrationStep)new SqlStep(s))
            .Append(new SqlStep($"ALTER TABLE {table} ADD CONSTRAINT {PostgresSql.Identifier(check)} CHECK ({column} IS NOT NULL) NOT VALID"))
            .ToList();
        // $1 is the table; the check's name and the column's are the parameters after it.
        static string Column(int name) => $"SELECT attnotnull FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = ${name}";
        static string Check(int name) => $"SELECT convalidated FROM pg_constraint WHERE conrelid = to_regclass($1) AND conname = ${name}";
        return new OnlineForm(
            e.TableName,
            inPlace,
            [
                new OnlineStep(
                    $"ALTER TABLE {table} VALIDATE CONSTRAINT {PostgresSql.Identifier(check)}",
                    new SqlStatement($"SELECT CASE WHEN ({Check(2)}) OR (({Column(3)}) AND NOT EXISTS ({Check(2)})) THEN 'done' ELSE 'missing' END AS state", [table, check, e.Column.Name]),
                    null,
                    ValidateCost)
                {
                    MeanwhileInForce = $"CHECK ({e.Column.Name} IS NOT NULL), added NOT VALID by the transaction, already refuses NULL in new and changed rows of \"{e.TableName}\"; " +
                        $"to back it out instead: ALTER TABLE {table} DROP CONSTRAINT {PostgresSql.Identifier(check)}",
                },
                // Two statements: in one ALTER the check would be dropped before SET NOT NULL looks
                // for it, and the table would be scanned under the exclusive lock after all.
                new OnlineStep(
                    $"ALTER TABLE {table} ALTER COLUMN {column} SET NOT NULL",
                    new SqlStatement($"SELECT CASE WHEN ({Column(2)}) THEN 'done' ELSE 'missing' END AS state", [table, e.Column.Name]),
                    null,
                    BriefCost),
                new OnlineStep(
                    $"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {PostgresSql.Identifier(check)}",
                    new SqlStatement($"SELECT CASE WHEN NOT EXISTS ({Check(2)}) THEN 'done' ELSE 'missing' END AS state", [table, check]),
                    null,
                    BriefCost),
            ],
            Defers: false,
            $"NOT NULL on \"{e.TableName}\".\"{e.Column.Name}\": a CHECK ({e.Column.Name} IS NOT NULL) added NOT VALID in the transaction, validated after it without blocking writers, then SET NOT NULL without a scan");
    }

    private static OnlineForm Unique(ConstraintDefinition c, string name)
    {
        var table = Table(c.SchemaName, c.TableName);
        var columns = string.Join(", ", c.Columns.Select(PostgresSql.Identifier));
        var quoted = PostgresSql.Identifier(name);
        return new OnlineForm(
            c.TableName,
            [],
            [
                IndexStep(c.SchemaName, name, $"CREATE UNIQUE INDEX CONCURRENTLY {quoted} ON {table} ({columns})"),
                new OnlineStep(
                    $"ALTER TABLE {table} ADD CONSTRAINT {quoted} UNIQUE USING INDEX {quoted}",
                    new SqlStatement("SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass($1) AND conname = $2) THEN 'done' ELSE 'missing' END AS state", [table, name]),
                    null,
                    BriefCost),
            ],
            Defers: true,
            $"unique constraint \"{name}\" on existing table \"{c.TableName}\": its unique index built CONCURRENTLY after the transaction, then made the constraint");
    }

    /// <summary>
    /// An index built concurrently: done when a valid index of that name exists (or the unique
    /// constraint that took it over); an invalid one is what a failed or killed build left, dropped
    /// before the next build.
    /// </summary>
    private static OnlineStep IndexStep(string? schema, string name, string sql)
    {
        var index = Table(schema, name);
        return new OnlineStep(
            sql,
            new SqlStatement(
                "SELECT COALESCE((SELECT CASE WHEN i.indisvalid THEN 'done' ELSE 'leftover' END FROM pg_index i WHERE i.indexrelid = to_regclass($1)), 'missing') AS state",
                [index]),
            $"DROP INDEX CONCURRENTLY IF EXISTS {index}",
            IndexBuildCost);
    }

    private static string Table(string? schema, string name) =>
        string.IsNullOrEmpty(schema) ? PostgresSql.Identifier(name) : $"{PostgresSql.Identifier(schema)}.{PostgresSql.Identifier(name)}";

    private static string Kept(string name, Func<string, string?> keptName) => keptName(name) ?? name;

    /// <summary>Whether the migration itself asked for CONCURRENTLY (<c>.WithOptions().AsConcurrently()</c>).</summary>
    public static bool IsConcurrent(CreateIndexExpression expression) =>
        expression.TryGetAdditionalFeature<PostgresIndexConcurrentlyDefinition?>(PostgresExtensions.Concurrently, out var concurrently) && concurrently is { IsConcurrently: true };

    [GeneratedRegex(@"^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(?!CONCURRENTLY\b)", RegexOptions.IgnoreCase)]
    private static partial Regex CreateIndex();
}
