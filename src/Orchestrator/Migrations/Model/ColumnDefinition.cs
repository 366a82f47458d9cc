namespace Orchestrator.Migrations.Model;

/// <summary>A column as the fluent builders describe it. Filled in while Up() or Down() runs, then only read.</summary>
public sealed class ColumnDefinition(string name)
{
    public string Name { get; } = name;

    public ColumnType? Type { get; set; }

    /// <summary>Length of strings and binaries, or the precision of decimals; null for unbounded.</summary>
    public int? Size { get; set; }

    public int? Scale { get; set; }

    public string? CustomType { get; set; }

    /// <summary>Null when the migration did not say; generators treat that as nullable.</summary>
    public bool? IsNullable { get; set; }

    public bool IsPrimaryKey { get; set; }

    public string? PrimaryKeyName { get; set; }

    public bool IsIdentity { get; set; }

    public bool IsUnique { get; set; }

    public string? UniqueName { get; set; }

    public bool IsIndexed { get; set; }

    public string? IndexName { get; set; }

    /// <summary>A literal value, a <see cref="SystemMethods"/> value, or null for none.</summary>
    public object? DefaultValue { get; set; }

    public bool HasDefault { get; set; }

    public ForeignKeyDefinition? ForeignKey { get; set; }

    public string? Description { get; set; }
}
