using System.Data;
using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Builders;

/// <summary>Column types and modifiers, shared by every place a column is described.</summary>
public abstract class ColumnSyntax<TSelf>
    where TSelf : ColumnSyntax<TSelf>
{
    internal abstract ColumnDefinition Column { get; }

    /// <summary>The table the column belongs to, for default index and key names.</summary>
    internal abstract string TableName { get; }

    internal abstract string? SchemaName { get; }

    private TSelf Self => (TSelf)this;

    public TSelf AsInt16() => Type(ColumnType.Int16);

    public TSelf AsInt32() => Type(ColumnType.Int32);

    public TSelf AsInt64() => Type(ColumnType.Int64);

    /// <summary>Unbounded text.</summary>
    public TSelf AsString() => Type(ColumnType.String);

    public TSelf AsString(int size) => Type(ColumnType.String, size);

    public TSelf AsFixedLengthString(int size) => Type(ColumnType.FixedLengthString, size);

    public TSelf AsAnsiString() => Type(ColumnType.AnsiString);

    public TSelf AsAnsiString(int size) => Type(ColumnType.AnsiString, size);

    public TSelf AsBoolean() => Type(ColumnType.Boolean);

    public TSelf AsDecimal() => Type(ColumnType.Decimal, 19, 5);

    public TSelf AsDecimal(int precision, int scale) => Type(ColumnType.Decimal, precision, scale);

    public TSelf AsDouble() => Type(ColumnType.Double);

    public TSelf AsFloat() => Type(ColumnType.Float);

    public TSelf AsDate() => Type(ColumnType.Date);

    public TSelf AsTime() => Type(ColumnType.Time);

    public TSelf AsDateTime() => Type(ColumnType.DateTime);

    public TSelf AsDateTime2() => Type(ColumnType.DateTime2);

    public TSelf AsDateTimeOffset() => Type(ColumnType.DateTimeOffset);

    public TSelf AsGuid() => Type(ColumnType.Guid);

    public TSelf AsBinary() => Type(ColumnType.Binary);

    public TSelf AsBinary(int size) => Type(ColumnType.Binary, size);

    public TSelf AsCurrency() => Type(ColumnType.Currency);

    public TSelf AsXml() => Type(ColumnType.Xml);

    /// <summary>json on PostgreSQL, JSON on MariaDB.</summary>
    public TSelf AsJson() => Type(ColumnType.Json);

    /// <summary>jsonb on PostgreSQL, JSON on MariaDB.</summary>
    public TSelf AsJsonb() => Type(ColumnType.Jsonb);

    /// <summary>A type written in the engine's own SQL, used as given.</summary>
    public TSelf AsCustom(string sqlType)
    {
        Column.CustomType = sqlType;
        return Type(ColumnType.Custom);
    }

    public TSelf NotNullable() => Set(c => c.IsNullable = false);

    public TSelf Nullable() => Set(c => c.IsNullable = true);

    public TSelf PrimaryKey() => PrimaryKey(null);

    public TSelf PrimaryKey(string? name) => Set(c =>
    {
        c.IsPrimaryKey = true;
        c.PrimaryKeyName = name;
        c.IsNullable = false;
    });

    public TSelf Identity() => Set(c => c.IsIdentity = true);

    public TSelf Unique() => Unique(null);

    public TSelf Unique(string? indexName) => Set(c =>
    {
        c.IsUnique = true;
        c.UniqueName = indexName ?? $"IX_{TableName}_{c.Name}";
    });

    public TSelf Indexed() => Indexed(null);

    public TSelf Indexed(string? indexName) => Set(c =>
    {
        c.IsIndexed = true;
        c.IndexName = indexName ?? $"IX_{TableName}_{c.Name}";
    });

    public TSelf WithDefaultValue(object? value) => Set(c =>
    {
        c.DefaultValue = value;
        c.HasDefault = true;
    });

    public TSelf WithDefault(SystemMethods method) => WithDefaultValue(method);

    public TSelf WithColumnDescription(string description) => Set(c => c.Description = description);

    public TSelf ForeignKey(string primaryTableName, string primaryColumnName) =>
        ForeignKey(null, null, primaryTableName, primaryColumnName);

    public TSelf ForeignKey(string? foreignKeyName, string primaryTableName, string primaryColumnName) =>
        ForeignKey(foreignKeyName, null, primaryTableName, primaryColumnName);

    public TSelf ForeignKey(string? foreignKeyName, string? primaryTableSchema, string primaryTableName, string primaryColumnName) => Set(c =>
    {
        var key = new ForeignKeyDefinition(foreignKeyName ?? $"FK_{TableName}_{c.Name}_{primaryTableName}_{primaryColumnName}")
        {
            ForeignSchema = SchemaName,
            ForeignTable = TableName,
            PrimarySchema = primaryTableSchema,
            PrimaryTable = primaryTableName,
        };
        key.ForeignColumns.Add(c.Name);
        key.PrimaryColumns.Add(primaryColumnName);
        c.ForeignKey = key;
    });

    public TSelf OnDelete(Rule rule) => Set(c => RequireForeignKey(c).OnDelete = rule);

    public TSelf OnUpdate(Rule rule) => Set(c => RequireForeignKey(c).OnUpdate = rule);

    private static ForeignKeyDefinition RequireForeignKey(ColumnDefinition column) =>
        column.ForeignKey ?? throw new MigrationDefinitionException($"column '{column.Name}': OnDelete/OnUpdate must follow ForeignKey(...)");

    private TSelf Type(ColumnType type, int? size = null, int? scale = null) => Set(c =>
    {
        c.Type = type;
        c.Size = size;
        c.Scale = scale;
    });

    private TSelf Set(Action<ColumnDefinition> change)
    {
        change(Column);
        return Self;
    }
}
