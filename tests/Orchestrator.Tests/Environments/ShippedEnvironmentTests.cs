using Orchestrator.Environments;

namespace Orchestrator.Tests.Environments;

public sealed class ShippedEnvironmentTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepositoryPaths.Environments, "*.yaml").Order())
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Shipped_environment_files_are_valid(string file)
    {
        var result = EnvironmentLoader.Load(Path.Combine(RepositoryPaths.Environments, file), _ => null);
        Assert.Empty(result.Diagnostics);
        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Local_yaml_is_a_postgres_primary_with_a_direct_and_a_cascading_replica()
    {
        var env = EnvironmentLoader.LoadOrThrow(Path.Combine(RepositoryPaths.Environments, "local.yaml"), _ => null);

        Assert.Equal(EngineKind.Postgres, env.Engine);
        Assert.Equal(ProviderKind.Local, env.Provider);
        Assert.Equal("primary", env.Primary.Name);
        Assert.Equal(["primary", "replica-1", "replica-2"], env.Levels().Select(l => Assert.Single(l).Name));
        Assert.Equal("replica-1", env.Node("replica-2").Source);
        Assert.Null(env.Admin.Password);
        Assert.Equal("orchestrator", env.Admin.User);
        Assert.Equal("replicator", env.Replicator.User);
        Assert.EndsWith(Path.Combine("migrations", "Sample", "Sample.csproj"), env.Migrations!.Project, StringComparison.Ordinal);
    }

    [Fact]
    public void External_example_reads_secrets_from_files_without_printing_them()
    {
        var env = EnvironmentLoader.LoadOrThrow(Path.Combine(RepositoryPaths.Environments, "production.example.yaml"), _ => null);

        Assert.Equal(ProviderKind.External, env.Provider);
        Assert.Equal("example-only-replace-me", env.Admin.Password!.Reveal());
        Assert.Equal("******", env.Admin.Password.ToString());
        Assert.DoesNotContain("example-only", env.ToString(), StringComparison.Ordinal);
        Assert.True(env.Node("db-2").Sync);
    }
}
