using System.Text.RegularExpressions;
using FluentMigrator;
using FluentMigrator.Expressions;
using FluentMigrator.Model;
using Orchestrator.Data;
using Orchestrator.Migrations.Online;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// MariaDB's online forms. Every ALTER of an existing table states ALGORITHM=INPLACE, LOCK=NONE:
/// the least the statement may do (MariaDB still takes INSTANT where it can), so that the server
/// refuses, before changing anything, a change it could only make by copying the table while
/// writers wait. A foreign key is added in place, which InnoDB does only unchecked
/// (foreign_key_checks=0 for that statement), after the tool checked that no row lacks its match.
/// </summary>
internal static partial class MariaDbOnlineForms
{
    /// <summary>Server errors that refuse an ALGORITHM or LOCK clause: the change needs a copy, or a lock.</summary>
    public static readonly IReadOnlySet<string> Refusals = new HashSet<string>(StringComparer.Ordinal) { "1845", "1846" };

    private const string Clauses = "ALGORITHM=INPLACE, LOCK=NONE";

    public static OnlineForm? Of(IMigrationExpression expression, IReadOnlyList<MigrationStep> written, IMigrationGenerator generator, ColumnTypes current)
    {
        if (expression is AlterColumnExpression alter && written is [SqlStep modify]
            && MariaDbTypeChange.Target(modify.Sql, alter.Column.Name) is { } to && current.Of(alter.TableName, alter.Column.Name) is { } from && MariaDbTypeChange.Changes(from, to))
        {
            return TableCopyForm.Of(alter, generator, sql => [sql.TrimEnd().TrimEnd(';').TrimEnd()], from, to, [InPlace(modify.Sql)]);
        }

        if (written.Count == 0 || written.Any(s => s is not SqlStep sql || !Alter().IsMatch(sql.Sql) || sql.Sql.Contains("ALGORITHM", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        return expression switch
        {
            CreateForeignKeyExpression e => ForeignKey(e.ForeignKey, ((SqlStep)written[0]).Sql, written.Count),
            _ when ExpressionTables.Of(expression) is { } table => new OnlineForm(
                table,
                written.Select(s => (MigrationStep)new SqlStep(InPlace(((SqlStep)s).Sql))).ToList(),
                [],
                Defers: false,
                $"`{table}` is changed with {Clauses}: instantly or in place while writers go on; the server refuses it rather than copy the table under a lock"),
            _ => null,
        };
    }

    private static OnlineForm? ForeignKey(ForeignKeyDefinition fk, string sql, int statements)
    {
        if (statements != 1 || fk.ForeignColumns.Count == 0 || fk.ForeignColumns.Count != fk.PrimaryColumns.Count)
        {
            return null;
        }

        var child = MariaDbSql.Identifier(fk.ForeignTable);
        var parent = MariaDbSql.Identifier(fk.PrimaryTable);
        var pairs = fk.ForeignColumns.Zip(fk.PrimaryColumns, (c, p) => (Child: MariaDbSql.Identifier(c), Parent: MariaDbSql.Identifier(p))).ToList();
        var orphans =
            $"SELECT {string.Join(", ", pairs.Select(p => $"c.{p.Child}"))} FROM {child} c LEFT JOIN {parent} p ON {string.Join(" AND ", pairs.Select(p => $"p.{p.Parent} = c.{p.Child}"))} " +
            $"WHERE {string.Join(" AND ", pairs.Select(p => $"c.{p.Child} IS NOT NULL"))} AND p.{pairs[0].Parent} IS NULL LIMIT 1";
        return new OnlineForm(
            fk.ForeignTable,
            [
                new CheckStep(new SqlStatement(orphans), $"foreign key `{fk.Name}`: rows of `{fk.ForeignTable}` reference no row of `{fk.PrimaryTable}`; fix or delete them, then run migrate again"),
                new SqlStep($"SET STATEMENT foreign_key_checks = 0 FOR {InPlace(sql)}"),
            ],
            [],
            Defers: false,
            $"foreign key `{fk.Name}` on existing table `{fk.ForeignTable}`: its rows are checked for values with no match first, then it is added in place ({Clauses}, foreign_key_checks=0 for that statement) while writers go on");
    }

    /// <summary>ALTER TABLE takes the clauses as further changes; CREATE and DROP INDEX as options after the statement.</summary>
    private static string InPlace(string sql)
    {
        var statement = sql.TrimEnd().TrimEnd(';').TrimEnd();
        return statement.StartsWith("ALTER", StringComparison.OrdinalIgnoreCase) ? $"{statement}, {Clauses}" : $"{statement} {Clauses.Replace(",", "", StringComparison.Ordinal)}";
    }

    [GeneratedRegex(@"^\s*(ALTER\s+TABLE|CREATE\s+(UNIQUE\s+)?INDEX|DROP\s+INDEX)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Alter();
}
