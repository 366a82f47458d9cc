using Orchestrator.Environments;

namespace Orchestrator.Tests;

/// <summary>Loads an environment from YAML text written to a temporary file (secrets resolve to nothing).</summary>
internal static class TestEnvironments
{
    public static EnvironmentDefinition FromYaml(string yaml, Func<string, string?>? environment = null, Action<string>? prepareDirectory = null)
    {
        var dir = Directory.CreateTempSubdirectory("orch-env-").FullName;
        try
        {
            prepareDirectory?.Invoke(dir);
            var file = Path.Combine(dir, "env.yaml");
            File.WriteAllText(file, yaml);
            return EnvironmentLoader.LoadOrThrow(file, environment ?? (_ => null));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
