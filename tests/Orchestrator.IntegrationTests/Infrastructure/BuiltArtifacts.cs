namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>Paths of sibling projects' build output, in the configuration these tests were built in.</summary>
internal static class BuiltArtifacts
{
    private const string Self = "Orchestrator.IntegrationTests";

    public static string TestMigrations => Sibling(Path.Combine("tests", "Orchestrator.TestMigrations"), "Orchestrator.TestMigrations.dll");

    /// <summary>A realistic FluentMigrator project of its own (tests/Bookshop.Migrations), with a version table of its own.</summary>
    public static string Bookshop => Sibling(Path.Combine("tests", "Bookshop.Migrations"), "Bookshop.Migrations.dll");

    /// <summary>A migration built against FluentMigrator 3.</summary>
    public static string FluentMigrator3 => Sibling(Path.Combine("tests", "Orchestrator.TestMigrations.FluentMigrator3"), "Orchestrator.TestMigrations.FluentMigrator3.dll");

    /// <summary>FluentMigrator's runner host: it references FluentMigrator and holds no migrations.</summary>
    public static string FluentMigratorHost => Sibling(Path.Combine("tests", "Orchestrator.FluentMigratorHost"), "Orchestrator.FluentMigratorHost.dll");

    public static string Cli => Sibling(Path.Combine("src", "Orchestrator.Cli"), "Orchestrator.Cli.dll");

    /// <summary>The checkout the tests were built in (above tests/Orchestrator.IntegrationTests/bin/).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var bin = AppContext.BaseDirectory.TrimEnd('/');
            return bin[..bin.IndexOf($"/tests/{Self}/", StringComparison.Ordinal)];
        }
    }

    /// <summary>The configuration the tests were built in (Release, Debug), to build other projects alike.</summary>
    public static string Configuration => Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd('/'))!);

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
