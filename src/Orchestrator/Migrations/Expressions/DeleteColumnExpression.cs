namespace Orchestrator.Migrations.Expressions;

public sealed record DeleteColumnExpression(string? Schema, string Table, IReadOnlyList<string> Columns) : MigrationExpression
{
    public override string Describe => $"Delete.Column(\"{string.Join("\", \"", Columns)}\").FromTable(\"{Table}\")";
}
