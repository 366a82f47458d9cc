using Orchestrator.Migrations.Expressions;

namespace Orchestrator.Migrations;

/// <summary>A loaded migration: its identity, options and the expressions of its Up and Down.</summary>
public sealed record MigrationInfo(
    long Version,
    string Description,
    Type Type,
    TransactionBehavior TransactionBehavior,
    IReadOnlyList<TagsAttribute> Tags,
    IReadOnlyList<MigrationExpression> Up,
    IReadOnlyList<MigrationExpression>? Down,
    string? WhyNoDown)
{
    public string Name => $"{Version} {Type.Name}";
}
