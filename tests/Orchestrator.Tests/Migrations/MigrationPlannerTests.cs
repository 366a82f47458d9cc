using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;

namespace Orchestrator.Tests.Migrations;

public sealed class MigrationPlannerTests
{
    [Fact]
    public void Pending_migrations_run_in_version_order_and_older_ones_are_marked_out_of_order()
    {
        var migrations = new[] { Project.Versioned(1), Project.Versioned(2), Project.Versioned(3) };

        var selected = MigrationPlanner.SelectUp(migrations, [Applied(1), Applied(3)], to: null);

        var (migration, outOfOrder) = Assert.Single(selected);
        Assert.Equal(2, migration.Version);
        Assert.True(outOfOrder);
    }

    [Fact]
    public void To_limits_the_selection_and_version_zero_is_an_ordinary_version()
    {
        var migrations = new[] { Project.Versioned(0), Project.Versioned(1), Project.Versioned(2), Project.Versioned(3) };

        var selected = MigrationPlanner.SelectUp(migrations, [], to: 2);

        Assert.Equal([0L, 1L, 2L], selected.Select(s => s.Migration.Version));
        Assert.All(selected, s => Assert.False(s.OutOfOrder));
    }

    [Fact]
    public void Migration_constraints_see_the_versions_the_database_had_when_the_run_began()
    {
        var migrations = new[] { Project.Versioned(5), Project.Versioned(6, new NeedsVersionFive()) };

        Assert.Equal([5L], MigrationPlanner.SelectUp(migrations, [], null).Select(s => s.Migration.Version));
        Assert.Equal([6L], MigrationPlanner.SelectUp(migrations, [Applied(5)], null).Select(s => s.Migration.Version));
        Assert.DoesNotContain(MigrationPlanner.SelectUp(migrations, [Applied(3)], null), s => s.Migration.Version == 6);
    }

    [Fact]
    public void Only_narrows_the_pending_migrations()
    {
        var migrations = new[] { Project.Versioned(1), Project.Versioned(2), Project.Versioned(3) };

        var selected = MigrationPlanner.SelectUp(migrations, [], null, only: m => m.Version != 2);

        Assert.Equal([1L, 3L], selected.Select(s => s.Migration.Version));
    }

    [Fact]
    public void Rolling_back_runs_down_newest_first_and_refuses_unknown_versions()
    {
        var migrations = new[] { Project.Versioned(1), Project.Versioned(2), Project.Versioned(3) };

        Assert.Equal([3L, 2L], MigrationPlanner.SelectDown(migrations, [Applied(1), Applied(2), Applied(3)], to: 1).Select(m => m.Version));
        var error = Assert.Throws<MigrationDefinitionException>(() => MigrationPlanner.SelectDown(migrations, [Applied(1), Applied(7)], 0));
        var typo = Assert.Throws<MigrationDefinitionException>(() => MigrationPlanner.SelectDown(migrations, [Applied(1), Applied(2), Applied(3)], to: 20));
        Assert.StartsWith("--to 20 is not the version of any migration", typo.Message, StringComparison.Ordinal);
        Assert.Contains("version 7 is applied, but no selected migration has that version", error.Message, StringComparison.Ordinal);
    }

    private static AppliedMigration Applied(long version) => new(version, DateTime.UtcNow, null, "0000", 1, "test");
}
