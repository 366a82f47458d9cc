using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Expressions;

public sealed record DeleteDataExpression(string Table) : MigrationExpression
{
    public string? Schema { get; set; }

    /// <summary>Each row is a set of equality conditions (a null value matches IS NULL).</summary>
    public List<RowValues> Rows { get; } = [];

    public bool AllRows { get; set; }

    public override string Describe => $"Delete.FromTable(\"{Table}\")";
}
