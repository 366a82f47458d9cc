namespace Orchestrator.Migrations.Model;

public sealed class IndexDefinition(string? name)
{
    public string? Name { get; set; } = name;

    public string? Schema { get; set; }

    public string? Table { get; set; }

    public List<IndexColumn> Columns { get; } = [];

    public bool IsUnique { get; set; }

    /// <summary>PostgreSQL: covering columns (INCLUDE).</summary>
    public List<string> Include { get; } = [];

    /// <summary>PostgreSQL: a partial-index predicate, SQL text written by the migration author.</summary>
    public string? Filter { get; set; }

    /// <summary>PostgreSQL: CREATE INDEX CONCURRENTLY; needs <see cref="TransactionBehavior.None"/>.</summary>
    public bool Concurrently { get; set; }

    /// <summary>The given name, else FluentMigrator's default: IX_table_col1_col2.</summary>
    public string EffectiveName => Name ?? $"IX_{Table}_{string.Join("_", Columns.Select(c => c.Name))}";
}
