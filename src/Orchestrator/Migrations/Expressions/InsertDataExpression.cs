using Orchestrator.Migrations.Model;

namespace Orchestrator.Migrations.Expressions;

public sealed record InsertDataExpression(string Table) : MigrationExpression
{
    public string? Schema { get; set; }

    public List<RowValues> Rows { get; } = [];

    public override string Describe => $"Insert.IntoTable(\"{Table}\")";

    /// <summary>Inserted rows are undone by deleting rows with exactly those values.</summary>
    public override MigrationExpression Reverse()
    {
        var delete = new DeleteDataExpression(Table) { Schema = Schema, Databases = Databases };
        delete.Rows.AddRange(Rows);
        return delete;
    }
}
