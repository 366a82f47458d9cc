using System.Globalization;
using System.Text;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Expressions;
using Orchestrator.Migrations.Generation;
using Orchestrator.Migrations.Model;

namespace Orchestrator.Engines.Postgres;

/// <summary>PostgreSQL SQL for migration expressions: quoted, case-sensitive identifiers; DDL inside transactions.</summary>
public sealed class PostgresSqlGenerator : SqlGenerator
{
    public override string Engine => "postgres";

    protected override int MaxIdentifierLength => 63;

    protected override char QuoteCharacter => '"';

    protected override int IdentifierLength(string identifier) => Encoding.UTF8.GetByteCount(identifier);

    protected override string StringLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    protected override string BooleanLiteral(bool value) => value ? "TRUE" : "FALSE";

    protected override string BinaryLiteral(byte[] value) => $"'\\x{Convert.ToHexString(value)}'::bytea";

    protected override string DateTimeOffsetLiteral(DateTimeOffset value) =>
        StringLiteral(value.ToString("yyyy-MM-dd HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture));

    protected override string CreateSchema(CreateSchemaExpression expression) => $"CREATE SCHEMA {Quote(expression.Schema)}";

    protected override string DeleteSchema(DeleteSchemaExpression expression) => $"DROP SCHEMA {Quote(expression.Schema)}";

    protected override IReadOnlyList<string> CreateTable(CreateTableExpression expression)
    {
        var table = Table(expression.Schema, expression.Table);
        var parts = expression.Columns.Select(ColumnDefinition).ToList();
        var keys = expression.Columns.Where(c => c.IsPrimaryKey).ToList();
        if (keys.Count > 0)
        {
            var name = keys.Select(k => k.PrimaryKeyName).FirstOrDefault(n => n is not null) ?? $"PK_{expression.Table}";
            parts.Add($"CONSTRAINT {Quote(name)} PRIMARY KEY ({QuoteList(keys.Select(k => k.Name))})");
        }

        var statements = new List<string> { $"CREATE TABLE {table} ({string.Join(", ", parts)})" };
        if (expression.Description is not null)
        {
            statements.Add($"COMMENT ON TABLE {table} IS {Literal(expression.Description)}");
        }

        foreach (var column in expression.Columns)
        {
            statements.AddRange(ColumnExtras(expression.Schema, expression.Table, column));
            statements.AddRange(ColumnComment(expression.Schema, expression.Table, column));
        }

        return statements;
    }

    protected override IReadOnlyList<string> CreateColumn(CreateColumnExpression expression)
    {
        var table = Table(expression.Schema, expression.Table);
        var statements = new List<string> { $"ALTER TABLE {table} ADD COLUMN {ColumnDefinition(expression.Column)}" };
        if (expression.Column.IsPrimaryKey)
        {
            statements.Add($"ALTER TABLE {table} ADD CONSTRAINT {Quote(expression.Column.PrimaryKeyName ?? $"PK_{expression.Table}")} PRIMARY KEY ({Quote(expression.Column.Name)})");
        }

        statements.AddRange(ColumnExtras(expression.Schema, expression.Table, expression.Column));
        statements.AddRange(ColumnComment(expression.Schema, expression.Table, expression.Column));
        return statements;
    }

    protected override string AlterColumn(AlterColumnExpression expression)
    {
        var column = expression.Column;
        var name = Quote(column.Name);
        var actions = new List<string>();
        if (column.Type is not null)
        {
            actions.Add($"ALTER COLUMN {name} TYPE {Type(column)}");
        }

        if (column.IsNullable is { } nullable)
        {
            actions.Add($"ALTER COLUMN {name} {(nullable ? "DROP NOT NULL" : "SET NOT NULL")}");
        }

        if (column.HasDefault)
        {
            actions.Add(column.DefaultValue is null ? $"ALTER COLUMN {name} DROP DEFAULT" : $"ALTER COLUMN {name} SET DEFAULT {Default(column.DefaultValue)}");
        }

        return actions.Count > 0
            ? $"ALTER TABLE {Table(expression.Schema, expression.Table)} {string.Join(", ", actions)}"
            : throw new MigrationDefinitionException($"{expression.Describe} changes nothing; give a type, Nullable()/NotNullable() or a default");
    }

    protected override string RenameTable(RenameTableExpression expression) =>
        $"ALTER TABLE {Table(expression.Schema, expression.OldName)} RENAME TO {Quote(expression.NewName)}";

    protected override string CreateIndex(IndexDefinition index)
    {
        var sql = new StringBuilder(index.IsUnique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
        sql.Append(index.Concurrently ? "CONCURRENTLY " : "");
        sql.Append($"{Quote(index.EffectiveName)} ON {Table(index.Schema, index.Table ?? "")} ({IndexColumns(index)})");
        if (index.Include.Count > 0)
        {
            sql.Append($" INCLUDE ({QuoteList(index.Include)})");
        }

        if (index.Filter is not null)
        {
            sql.Append($" WHERE {index.Filter}");
        }

        return sql.ToString();
    }

    protected override string DeleteIndex(DeleteIndexExpression expression) =>
        $"DROP INDEX {(expression.Concurrently ? "CONCURRENTLY " : "")}{Table(expression.Schema, expression.Name)}";

    protected override string DeleteForeignKey(DeleteForeignKeyExpression expression) =>
        $"ALTER TABLE {Table(expression.Schema, expression.Table)} DROP CONSTRAINT {Quote(expression.Name)}";

    protected override string DeleteUniqueConstraint(DeleteUniqueConstraintExpression expression) =>
        $"ALTER TABLE {Table(expression.Schema, expression.Table)} DROP CONSTRAINT {Quote(expression.Name)}";

    protected override string CreateSequence(SequenceDefinition sequence)
    {
        var sql = new StringBuilder($"CREATE SEQUENCE {Table(sequence.Schema, sequence.Name)}");
        Option(sql, "INCREMENT BY", sequence.IncrementBy);
        Option(sql, "MINVALUE", sequence.MinValue);
        Option(sql, "MAXVALUE", sequence.MaxValue);
        Option(sql, "START WITH", sequence.StartWith);
        Option(sql, "CACHE", sequence.Cache);
        return sequence.Cycle ? sql.Append(" CYCLE").ToString() : sql.ToString();
    }

    private string ColumnDefinition(ColumnDefinition column)
    {
        var sql = new StringBuilder($"{Quote(column.Name)} {Type(column)}");
        if (column.IsIdentity)
        {
            sql.Append(" GENERATED BY DEFAULT AS IDENTITY");
        }

        if (column.IsNullable == false || column.IsPrimaryKey)
        {
            sql.Append(" NOT NULL");
        }

        if (column.HasDefault && column.DefaultValue is not null)
        {
            sql.Append($" DEFAULT {Default(column.DefaultValue)}");
        }

        return sql.ToString();
    }

    private IEnumerable<string> ColumnComment(string? schema, string table, ColumnDefinition column)
    {
        if (column.Description is not null)
        {
            yield return $"COMMENT ON COLUMN {Table(schema, table)}.{Quote(column.Name)} IS {Literal(column.Description)}";
        }
    }

    private string Default(object value) => value switch
    {
        SystemMethods.CurrentDateTime => "now()",
        SystemMethods.CurrentUTCDateTime => "(now() AT TIME ZONE 'UTC')",
        SystemMethods.NewGuid => "gen_random_uuid()",
        _ => Literal(value),
    };

    private static string Type(ColumnDefinition column) => column.Type switch
    {
        ColumnType.Int16 => "smallint",
        ColumnType.Int32 => "integer",
        ColumnType.Int64 => "bigint",
        ColumnType.String or ColumnType.AnsiString => column.Size is { } size ? $"varchar({size})" : "text",
        ColumnType.FixedLengthString => $"char({column.Size})",
        ColumnType.Boolean => "boolean",
        ColumnType.Decimal => $"numeric({column.Size},{column.Scale})",
        ColumnType.Double => "double precision",
        ColumnType.Float => "real",
        ColumnType.Date => "date",
        ColumnType.Time => "time",
        ColumnType.DateTime or ColumnType.DateTime2 => "timestamp",
        ColumnType.DateTimeOffset => "timestamptz",
        ColumnType.Guid => "uuid",
        ColumnType.Binary => "bytea",
        ColumnType.Currency => "money",
        ColumnType.Xml => "xml",
        ColumnType.Json => "json",
        ColumnType.Jsonb => "jsonb",
        ColumnType.Custom => column.CustomType!,
        _ => throw new MigrationDefinitionException($"column '{column.Name}' has no type; add one such as .AsInt32() or .AsString(100)"),
    };
}
