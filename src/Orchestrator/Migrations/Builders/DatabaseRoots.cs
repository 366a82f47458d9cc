namespace Orchestrator.Migrations.Builders;

/// <summary>The expression roots, all adding to one sink; <c>IfDatabase(...)</c> returns a set bound to a few engines.</summary>
public sealed class DatabaseRoots
{
    internal DatabaseRoots(ExpressionSink sink)
    {
        Create = new CreateRoot(sink);
        Alter = new AlterRoot(sink);
        Delete = new DeleteRoot(sink);
        Rename = new RenameRoot(sink);
        Insert = new InsertRoot(sink);
        Update = new UpdateRoot(sink);
        Execute = new ExecuteRoot(sink);
    }

    public CreateRoot Create { get; }

    public AlterRoot Alter { get; }

    public DeleteRoot Delete { get; }

    public RenameRoot Rename { get; }

    public InsertRoot Insert { get; }

    public UpdateRoot Update { get; }

    public ExecuteRoot Execute { get; }
}
