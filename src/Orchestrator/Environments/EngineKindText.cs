namespace Orchestrator.Environments;

/// <summary>An engine's name as environment files and backup manifests spell it.</summary>
public static class EngineKindText
{
    public static string ToText(this EngineKind engine) => engine == EngineKind.Postgres ? "postgres" : "mariadb";
}
