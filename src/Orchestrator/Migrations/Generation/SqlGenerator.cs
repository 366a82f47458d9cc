using System.Data;
using System.Globalization;
using System.Text;
using Orchestrator.Migrations.Expressions;
using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Generation;

/// <summary>
/// Turns one expression into SQL statements and does nothing else (no I/O), so plans and
/// exact-SQL tests come for free. Each engine's subclass supplies its quoting, literals,
/// types and DDL; data statements (INSERT, UPDATE, DELETE) are shared.
/// </summary>
public abstract class SqlGenerator
{
    /// <summary>"postgres" or "mariadb", as IfDatabase names engines.</summary>
    public abstract string Engine { get; }

    /// <summary>The statements for <paramref name="expression"/>; none when it targets other engines.</summary>
    public IReadOnlyList<string> Generate(MigrationExpression expression)
    {
        if (expression.Databases is { } databases && !databases.Contains(Engine))
        {
            return [];
        }

        return expression switch
        {
            CreateSchemaExpression e => [CreateSchema(e)],
            DeleteSchemaExpression e => [DeleteSchema(e)],
            CreateTableExpression e => CreateTable(e),
            DeleteTableExpression e => [$"DROP TABLE {Table(e.Schema, e.Table)}"],
            CreateColumnExpression e => CreateColumn(e),
            AlterColumnExpression e => [AlterColumn(e)],
            DeleteColumnExpression e => e.Columns.Select(c => $"ALTER TABLE {Table(e.Schema, e.Table)} DROP COLUMN {Quote(c)}").ToList(),
            RenameTableExpression e => [RenameTable(e)],
            RenameColumnExpression e => [$"ALTER TABLE {Table(e.Schema, e.Table)} RENAME COLUMN {Quote(e.OldName)} TO {Quote(e.NewName)}"],
            CreateIndexExpression e => [CreateIndex(e.Index)],
            DeleteIndexExpression e => [DeleteIndex(e)],
            CreateForeignKeyExpression e => [CreateForeignKey(e.ForeignKey)],
            DeleteForeignKeyExpression e => [DeleteForeignKey(e)],
            CreateUniqueConstraintExpression e => [$"ALTER TABLE {Table(e.Schema, e.Table)} ADD CONSTRAINT {Quote(e.Name)} UNIQUE ({QuoteList(e.Columns)})"],
            DeleteUniqueConstraintExpression e => [DeleteUniqueConstraint(e)],
            CreateSequenceExpression e => [CreateSequence(e.Sequence)],
            DeleteSequenceExpression e => [$"DROP SEQUENCE {Table(e.Schema, e.Name)}"],
            InsertDataExpression e => e.Rows.Select(r => Insert(e, r)).ToList(),
            UpdateDataExpression e => [UpdateData(e)],
            DeleteDataExpression e => DeleteData(e),
            ExecuteSqlExpression e => [e.Sql],
            _ => throw new MigrationDefinitionException($"{expression.Describe} is not supported on {Engine}"),
        };
    }

    /// <summary>The longest identifier the engine accepts (PostgreSQL counts bytes, MariaDB characters).</summary>
    protected abstract int MaxIdentifierLength { get; }

    protected abstract char QuoteCharacter { get; }

    protected abstract int IdentifierLength(string identifier);

    /// <summary>Validates an identifier and quotes it; a quote, a control character or excess length is refused.</summary>
    public string Quote(string identifier)
    {
        if (identifier.Length == 0)
        {
            throw new MigrationDefinitionException("an identifier is empty");
        }

        if (identifier.Any(c => c is '"' or '`' or '\'' || char.IsControl(c)))
        {
            throw new MigrationDefinitionException($"identifier '{identifier}' contains a quote or control character; use letters, digits and '_'");
        }

        if (IdentifierLength(identifier) > MaxIdentifierLength)
        {
            throw new MigrationDefinitionException($"identifier '{identifier}' is {IdentifierLength(identifier)} long; {Engine} allows at most {MaxIdentifierLength}");
        }

        return $"{QuoteCharacter}{identifier}{QuoteCharacter}";
    }

    /// <summary>A value as a SQL literal; strings are escaped by the dialect.</summary>
    public string Literal(object? value) => value switch
    {
        null => "NULL",
        bool b => BooleanLiteral(b),
        string s => StringLiteral(s),
        char c => StringLiteral(c.ToString()),
        Guid g => StringLiteral(g.ToString()),
        DateTime d => StringLiteral(d.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)),
        DateTimeOffset d => DateTimeOffsetLiteral(d),
        DateOnly d => StringLiteral(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        TimeOnly t => StringLiteral(t.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture)),
        byte[] bytes => BinaryLiteral(bytes),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        Enum e => StringLiteral(e.ToString()),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => StringLiteral(value.ToString() ?? ""),
    };

    protected abstract string StringLiteral(string value);

    protected abstract string BooleanLiteral(bool value);

    protected abstract string BinaryLiteral(byte[] value);

    protected abstract string DateTimeOffsetLiteral(DateTimeOffset value);

    /// <summary>The index's column list, each quoted and DESC where asked; an index needs at least one.</summary>
    protected string IndexColumns(IndexDefinition index) => index.Columns.Count == 0
        ? throw new MigrationDefinitionException($"index '{index.EffectiveName}' has no columns; add OnColumn(...)")
        : string.Join(", ", index.Columns.Select(c => c.Descending ? $"{Quote(c.Name)} DESC" : Quote(c.Name)));

    /// <summary>Appends " NAME value" for a sequence option that was given.</summary>
    protected static void Option(StringBuilder sql, string name, long? value)
    {
        if (value is { } v)
        {
            sql.Append(CultureInfo.InvariantCulture, $" {name} {v}");
        }
    }

    protected string Table(string? schema, string table) =>
        table.Length == 0 ? throw new MigrationDefinitionException("an expression names no table (OnTable/FromTable missing?)")
        : schema is null ? Quote(table) : $"{Quote(schema)}.{Quote(table)}";

    protected string QuoteList(IEnumerable<string> identifiers) => string.Join(", ", identifiers.Select(Quote));

    protected abstract string CreateSchema(CreateSchemaExpression expression);

    protected abstract string DeleteSchema(DeleteSchemaExpression expression);

    protected abstract IReadOnlyList<string> CreateTable(CreateTableExpression expression);

    protected abstract IReadOnlyList<string> CreateColumn(CreateColumnExpression expression);

    protected abstract string AlterColumn(AlterColumnExpression expression);

    protected abstract string RenameTable(RenameTableExpression expression);

    protected abstract string CreateIndex(IndexDefinition index);

    protected abstract string DeleteIndex(DeleteIndexExpression expression);

    protected abstract string DeleteForeignKey(DeleteForeignKeyExpression expression);

    protected abstract string DeleteUniqueConstraint(DeleteUniqueConstraintExpression expression);

    protected abstract string CreateSequence(SequenceDefinition sequence);

    /// <summary>The statements that follow a column's definition: its unique or plain index and its foreign key.</summary>
    protected IEnumerable<string> ColumnExtras(string? schema, string table, ColumnDefinition column)
    {
        if (column.IsUnique && !column.IsPrimaryKey)
        {
            yield return $"CREATE UNIQUE INDEX {Quote(column.UniqueName!)} ON {Table(schema, table)} ({Quote(column.Name)})";
        }

        if (column.IsIndexed)
        {
            yield return $"CREATE INDEX {Quote(column.IndexName!)} ON {Table(schema, table)} ({Quote(column.Name)})";
        }

        if (column.ForeignKey is { } key)
        {
            yield return CreateForeignKey(key);
        }
    }

    protected string CreateForeignKey(ForeignKeyDefinition key)
    {
        if (key.ForeignColumns.Count == 0 || key.ForeignColumns.Count != key.PrimaryColumns.Count)
        {
            throw new MigrationDefinitionException($"foreign key '{key.EffectiveName}' needs as many ForeignColumn(s) as PrimaryColumn(s), at least one");
        }

        var sql = new StringBuilder($"ALTER TABLE {Table(key.ForeignSchema, key.ForeignTable ?? "")} ADD CONSTRAINT {Quote(key.EffectiveName)} ");
        sql.Append($"FOREIGN KEY ({QuoteList(key.ForeignColumns)}) REFERENCES {Table(key.PrimarySchema, key.PrimaryTable ?? "")} ({QuoteList(key.PrimaryColumns)})");
        sql.Append(Rule("ON DELETE", key.OnDelete)).Append(Rule("ON UPDATE", key.OnUpdate));
        return sql.ToString();
    }

    private static string Rule(string clause, Rule rule) => rule switch
    {
        System.Data.Rule.Cascade => $" {clause} CASCADE",
        System.Data.Rule.SetNull => $" {clause} SET NULL",
        System.Data.Rule.SetDefault => $" {clause} SET DEFAULT",
        _ => "",
    };

    private string Insert(InsertDataExpression expression, RowValues row) =>
        $"INSERT INTO {Table(expression.Schema, expression.Table)} ({QuoteList(row.Select(p => p.Key))}) VALUES ({string.Join(", ", row.Select(p => Literal(p.Value)))})";

    private string UpdateData(UpdateDataExpression expression)
    {
        if (expression.Set.Count == 0)
        {
            throw new MigrationDefinitionException($"{expression.Describe} sets no columns; add .Set(new {{ ... }})");
        }

        var sql = $"UPDATE {Table(expression.Schema, expression.Table)} SET {string.Join(", ", expression.Set.Select(p => $"{Quote(p.Key)} = {Literal(p.Value)}"))}";
        if (expression.AllRows)
        {
            return sql;
        }

        return expression.Where.Count > 0
            ? $"{sql} WHERE {Conditions(expression.Where)}"
            : throw new MigrationDefinitionException($"{expression.Describe} needs .Where(new {{ ... }}) or .AllRows()");
    }

    private IReadOnlyList<string> DeleteData(DeleteDataExpression expression)
    {
        var table = Table(expression.Schema, expression.Table);
        if (expression.AllRows)
        {
            return [$"DELETE FROM {table}"];
        }

        return expression.Rows.Count > 0
            ? expression.Rows.Select(r => $"DELETE FROM {table} WHERE {Conditions(r)}").ToList()
            : throw new MigrationDefinitionException($"{expression.Describe} needs .Row(new {{ ... }}) or .AllRows()");
    }

    private string Conditions(RowValues row) =>
        string.Join(" AND ", row.Select(p => p.Value is null ? $"{Quote(p.Key)} IS NULL" : $"{Quote(p.Key)} = {Literal(p.Value)}"));
}
