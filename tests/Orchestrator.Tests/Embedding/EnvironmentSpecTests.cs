using Orchestrator.Environments;
using Orchestrator.Embedding;

namespace Orchestrator.Tests.Embedding;

/// <summary>An environment described in code is the external environment file it stands for, checked by the file's rules.</summary>
public sealed class EnvironmentSpecTests
{
    private static readonly EnvironmentSpec Production = new(
        "production",
        DatabaseEngine.Postgres,
        "app",
        new DatabaseCredential("orchestrator", "s3cret: \"quoted\" #not-a-comment"),
        [new NodeSpec("db-1", "10.20.1.10", 5432), new NodeSpec("db-2", "db-2.internal", 5433, Source: "db-1"), new NodeSpec("db-3", "10.20.2.10", 5432, Source: "db-2")])
    {
        Tls = TlsPolicy.VerifyFull,
        ReplayTimeout = TimeSpan.FromSeconds(90),
    };

    [Fact]
    public void A_spec_loads_as_the_external_environment_it_describes()
    {
        var loaded = EnvironmentSpecYaml.Load(Production);

        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        var environment = loaded.Environment!;
        Assert.Equal(("production", EngineKind.Postgres, ProviderKind.External, "app"), (environment.Name, environment.Engine, environment.Provider, environment.Database));
        Assert.Equal("orchestrator", environment.Admin.User);
        Assert.Equal("s3cret: \"quoted\" #not-a-comment", environment.Admin.Password!.Reveal());
        Assert.Equal(TimeSpan.FromSeconds(90), environment.Replication.ReplayTimeout);
        Assert.Null(environment.Migrations);
        Assert.Equal(
            ["db-1 Primary 10.20.1.10:5432 - VerifyFull", "db-2 Replica db-2.internal:5433 db-1 VerifyFull", "db-3 Replica 10.20.2.10:5432 db-2 VerifyFull"],
            environment.Nodes.Select(n => $"{n.Name} {n.Role} {n.Endpoint} {n.Source ?? "-"} {n.Tls}"));
    }

    [Fact]
    public void The_password_is_never_written_into_the_text_nor_printed()
    {
        var text = EnvironmentSpecYaml.Write(Production);

        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", Production.ToString(), StringComparison.Ordinal);
        Assert.Equal("orchestrator (password hidden)", Production.Admin.ToString());
    }

    [Fact]
    public void A_spec_that_breaks_the_rules_of_a_file_gets_every_problem_at_once()
    {
        var spec = Production with
        {
            Name = "no spaces allowed",
            Database = "app-db",
            Nodes = [new NodeSpec("db-1", "10.0.0.1", 5432), new NodeSpec("db-2", "10.0.0.2", 70000, Source: "db-9"), new NodeSpec("db-3", "10.0.0.3", 5432)],
        };

        var loaded = EnvironmentSpecYaml.Load(spec);

        Assert.False(loaded.Succeeded);
        var messages = loaded.Diagnostics.Select(d => d.Message).ToList();
        Assert.Contains(messages, m => m.Contains("'no spaces allowed'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("'app-db'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("70000", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("'db-9'", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("primary", StringComparison.Ordinal));
        var failure = MigrationFailures.Invalid(loaded.Diagnostics, file: false);
        Assert.Equal(MigrationFailureKind.InvalidEnvironment, failure.Kind);
        Assert.Equal(messages, failure.Problems);
    }

    [Fact]
    public void The_public_surface_is_small()
    {
        var exported = typeof(OrchestratorMigrator).Assembly.GetExportedTypes();

        Assert.InRange(exported.Length, 1, 80);
        Assert.All(exported, t => Assert.Equal("Orchestrator.Embedding", t.Namespace));
    }
}
