namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>Paths of sibling projects' build output, in the configuration these tests were built in.</summary>
internal static class BuiltArtifacts
{
    private const string Self = "Orchestrator.IntegrationTests";

    public static string TestMigrations => Sibling(Path.Combine("tests", "Orchestrator.TestMigrations"), "Orchestrator.TestMigrations.dll");

    public static string Cli => Sibling(Path.Combine("src", "Orchestrator.Cli"), "Orchestrator.Cli.dll");

    private static string Sibling(string project, string file)
    {
        // .../tests/Orchestrator.IntegrationTests/bin/<Configuration>/net10.0/
        var bin = AppContext.BaseDirectory.TrimEnd('/');
        var marker = $"/tests/{Self}/";
        var root = bin[..bin.IndexOf(marker, StringComparison.Ordinal)];
        var path = Path.Combine(root, project, bin[(bin.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..], file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing; build the solution first", path);
    }
}
