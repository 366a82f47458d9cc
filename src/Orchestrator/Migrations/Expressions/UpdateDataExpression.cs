using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Expressions;

public sealed record UpdateDataExpression(string Table) : MigrationExpression
{
    public string? Schema { get; set; }

    public RowValues Set { get; set; } = [];

    /// <summary>Equality conditions joined by AND; empty only with <see cref="AllRows"/>.</summary>
    public RowValues Where { get; set; } = [];

    public bool AllRows { get; set; }

    public override string Describe => $"Update.Table(\"{Table}\")";
}
