using System.Data;

namespace Orchestrator.Migrations.Model;

/// <summary>A foreign key: the foreign (referencing) table's columns point at the primary (referenced) table's.</summary>
public sealed class ForeignKeyDefinition(string? name)
{
    public string? Name { get; set; } = name;

    public string? ForeignSchema { get; set; }

    public string? ForeignTable { get; set; }

    public List<string> ForeignColumns { get; } = [];

    public string? PrimarySchema { get; set; }

    public string? PrimaryTable { get; set; }

    public List<string> PrimaryColumns { get; } = [];

    public Rule OnDelete { get; set; } = Rule.None;

    public Rule OnUpdate { get; set; } = Rule.None;

    /// <summary>The given name, else FluentMigrator's default: FK_foreignTable_cols_primaryTable_cols.</summary>
    public string EffectiveName => Name ?? $"FK_{ForeignTable}_{string.Join("_", ForeignColumns)}_{PrimaryTable}_{string.Join("_", PrimaryColumns)}";
}
