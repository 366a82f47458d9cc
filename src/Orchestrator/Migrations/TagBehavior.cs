namespace Orchestrator.Migrations;

public enum TagBehavior
{
    /// <summary>The migration runs when the environment selects every tag of the attribute.</summary>
    RequireAll,

    /// <summary>The migration runs when the environment selects any tag of the attribute.</summary>
    RequireAny,
}
