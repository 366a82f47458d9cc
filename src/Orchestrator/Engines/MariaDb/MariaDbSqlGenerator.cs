using System.Globalization;
using System.Text;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Expressions;
using Orchestrator.Migrations.Generation;
using Orchestrator.Migrations.Model;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// MariaDB SQL for migration expressions: backquoted identifiers, backslash-escaped strings.
/// A "schema" is a database. DDL commits implicitly, which the runner accounts for.
/// </summary>
public sealed class MariaDbSqlGenerator : SqlGenerator
{
    public override string Engine => "mariadb";

    protected override int MaxIdentifierLength => 64;

    protected override char QuoteCharacter => '`';

    protected override int IdentifierLength(string identifier) => identifier.Length;

    protected override string StringLiteral(string value) => "'" + Escape(value) + "'";

    protected override string BooleanLiteral(bool value) => value ? "1" : "0";

    protected override string BinaryLiteral(byte[] value) => value.Length == 0 ? "''" : $"X'{Convert.ToHexString(value)}'";

    /// <summary>MariaDB has no time-zone type: offsets are stored as UTC.</summary>
    protected override string DateTimeOffsetLiteral(DateTimeOffset value) => Literal(value.UtcDateTime);

    protected override string CreateSchema(CreateSchemaExpression expression) => $"CREATE DATABASE {Quote(expression.Schema)}";

    protected override string DeleteSchema(DeleteSchemaExpression expression) => $"DROP DATABASE {Quote(expression.Schema)}";

    protected override IReadOnlyList<string> CreateTable(CreateTableExpression expression)
    {
        var parts = expression.Columns.Select(ColumnDefinition).ToList();
        var keys = expression.Columns.Where(c => c.IsPrimaryKey).ToList();
        if (keys.Count > 0)
        {
            parts.Add($"PRIMARY KEY ({QuoteList(keys.Select(k => k.Name))})");
        }

        var comment = expression.Description is null ? "" : $" COMMENT {Literal(expression.Description)}";
        var statements = new List<string> { $"CREATE TABLE {Table(expression.Schema, expression.Table)} ({string.Join(", ", parts)}) ENGINE=InnoDB{comment}" };
        foreach (var column in expression.Columns)
        {
            statements.AddRange(ColumnExtras(expression.Schema, expression.Table, column));
        }

        return statements;
    }

    protected override IReadOnlyList<string> CreateColumn(CreateColumnExpression expression)
    {
        var key = expression.Column.IsPrimaryKey ? $", ADD PRIMARY KEY ({Quote(expression.Column.Name)})" : "";
        return [$"ALTER TABLE {Table(expression.Schema, expression.Table)} ADD COLUMN {ColumnDefinition(expression.Column)}{key}", .. ColumnExtras(expression.Schema, expression.Table, expression.Column)];
    }

    /// <summary>MODIFY restates the whole column, so the type is required; unstated nullability means NULL.</summary>
    protected override string AlterColumn(AlterColumnExpression expression)
    {
        if (expression.Column.Type is null)
        {
            throw new MigrationDefinitionException($"{expression.Describe}: MariaDB restates the whole column when altering it; give its type, such as .AsString(100)");
        }

        return $"ALTER TABLE {Table(expression.Schema, expression.Table)} MODIFY COLUMN {ColumnDefinition(expression.Column)}";
    }

    protected override string RenameTable(RenameTableExpression expression) =>
        $"RENAME TABLE {Table(expression.Schema, expression.OldName)} TO {Table(expression.Schema, expression.NewName)}";

    /// <summary>INCLUDE and CONCURRENTLY are PostgreSQL's; MariaDB builds InnoDB indexes online anyway. A filter has no equivalent.</summary>
    protected override string CreateIndex(IndexDefinition index)
    {
        if (index.Filter is not null)
        {
            throw new MigrationDefinitionException($"index '{index.EffectiveName}': partial indexes (Filter) exist only on PostgreSQL; wrap it in IfDatabase(\"postgres\")");
        }

        return $"CREATE {(index.IsUnique ? "UNIQUE " : "")}INDEX {Quote(index.EffectiveName)} ON {Table(index.Schema, index.Table ?? "")} ({IndexColumns(index)})";
    }

    protected override string DeleteIndex(DeleteIndexExpression expression) =>
        $"DROP INDEX {Quote(expression.Name)} ON {Table(expression.Schema, expression.Table)}";

    protected override string DeleteForeignKey(DeleteForeignKeyExpression expression) =>
        $"ALTER TABLE {Table(expression.Schema, expression.Table)} DROP FOREIGN KEY {Quote(expression.Name)}";

    protected override string DeleteUniqueConstraint(DeleteUniqueConstraintExpression expression) =>
        $"ALTER TABLE {Table(expression.Schema, expression.Table)} DROP INDEX {Quote(expression.Name)}";

    protected override string CreateSequence(SequenceDefinition sequence)
    {
        var sql = new StringBuilder($"CREATE SEQUENCE {Table(sequence.Schema, sequence.Name)}");
        Option(sql, "START WITH", sequence.StartWith);
        Option(sql, "INCREMENT BY", sequence.IncrementBy);
        Option(sql, "MINVALUE", sequence.MinValue);
        Option(sql, "MAXVALUE", sequence.MaxValue);
        Option(sql, "CACHE", sequence.Cache);
        return sequence.Cycle ? sql.Append(" CYCLE").ToString() : sql.ToString();
    }

    private string ColumnDefinition(ColumnDefinition column)
    {
        var sql = new StringBuilder($"{Quote(column.Name)} {Type(column)}");
        sql.Append(column.IsNullable == false || column.IsPrimaryKey ? " NOT NULL" : " NULL");
        if (column.HasDefault && column.DefaultValue is not null)
        {
            sql.Append($" DEFAULT {Default(column.DefaultValue)}");
        }

        if (column.IsIdentity)
        {
            sql.Append(" AUTO_INCREMENT");
        }

        if (column.Description is not null)
        {
            sql.Append($" COMMENT {Literal(column.Description)}");
        }

        return sql.ToString();
    }

    private string Default(object value) => value switch
    {
        SystemMethods.CurrentDateTime => "CURRENT_TIMESTAMP",
        SystemMethods.CurrentUTCDateTime => "(UTC_TIMESTAMP())",
        SystemMethods.NewGuid => "(UUID())",
        _ => Literal(value),
    };

    private static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            escaped.Append(c switch
            {
                '\\' => "\\\\",
                '\'' => "\\'",
                '\0' => "\\0",
                '\n' => "\\n",
                '\r' => "\\r",
                '\x1a' => "\\Z",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    private static string Type(ColumnDefinition column) => column.Type switch
    {
        ColumnType.Int16 => "SMALLINT",
        ColumnType.Int32 => "INTEGER",
        ColumnType.Int64 => "BIGINT",
        ColumnType.String => column.Size is { } size ? $"VARCHAR({size})" : "LONGTEXT",
        ColumnType.AnsiString => column.Size is { } size ? $"VARCHAR({size}) CHARACTER SET latin1" : "LONGTEXT CHARACTER SET latin1",
        ColumnType.FixedLengthString => $"CHAR({column.Size})",
        ColumnType.Boolean => "TINYINT(1)",
        ColumnType.Decimal => $"DECIMAL({column.Size},{column.Scale})",
        ColumnType.Double => "DOUBLE",
        ColumnType.Float => "FLOAT",
        ColumnType.Date => "DATE",
        ColumnType.Time => "TIME",
        ColumnType.DateTime => "DATETIME",
        ColumnType.DateTime2 or ColumnType.DateTimeOffset => "DATETIME(6)",
        ColumnType.Guid => "CHAR(36)",
        ColumnType.Binary => column.Size is { } size ? $"VARBINARY({size})" : "LONGBLOB",
        ColumnType.Currency => "DECIMAL(19,4)",
        ColumnType.Xml => "LONGTEXT",
        ColumnType.Json or ColumnType.Jsonb => "JSON",
        ColumnType.Custom => column.CustomType!,
        _ => throw new MigrationDefinitionException($"column '{column.Name}' has no type; add one such as .AsInt32() or .AsString(100)"),
    };
}
