namespace Orchestrator.Environments;

/// <summary>An engine's name as environment files and backup manifests spell it.</summary>
internal static class EngineKindText
{
    public static string ToText(this EngineKind engine) => engine switch
    {
        EngineKind.Postgres => "postgres",
        EngineKind.MariaDb => "mariadb",
        _ => "sqlite",
    };
}
