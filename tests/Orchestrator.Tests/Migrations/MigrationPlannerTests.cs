using Orchestrator.Engines.Postgres;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;

namespace Orchestrator.Tests.Migrations;

public sealed class MigrationPlannerTests
{
    private static readonly PostgresSqlGenerator Generator = new();

    [Fact]
    public void Pending_migrations_run_in_version_order_and_older_ones_are_marked_out_of_order()
    {
        var migrations = new[] { Info(1, "a"), Info(2, "b"), Info(3, "c") };
        var applied = new[] { Applied(1), Applied(3) };

        var plan = MigrationPlanner.Up(migrations, applied, to: null, Generator);

        var step = Assert.Single(plan.Steps);
        Assert.Equal(2, step.Migration.Version);
        Assert.True(step.OutOfOrder);
        Assert.Equal(["CREATE TABLE \"b\" (\"id\" integer)"], step.Statements);
    }

    [Fact]
    public void To_limits_the_plan()
    {
        var migrations = new[] { Info(1, "a"), Info(2, "b"), Info(3, "c") };

        var plan = MigrationPlanner.Up(migrations, [], to: 2, Generator);

        Assert.Equal([1L, 2L], plan.Steps.Select(s => s.Migration.Version));
        Assert.All(plan.Steps, s => Assert.False(s.OutOfOrder));
    }

    [Fact]
    public void An_applied_migration_whose_sql_changed_since_is_reported()
    {
        var migrations = new[] { Info(1, "a"), Info(2, "b") };
        var original = MigrationPlanner.Up(migrations, [], null, Generator).Steps.ToDictionary(s => s.Migration.Version, s => s.Checksum);
        var edited = new[] { Info(1, "a"), Info(2, "b_renamed") };

        var plan = MigrationPlanner.Up(edited, [Applied(1, original[1]), Applied(2, original[2])], null, Generator);

        Assert.Empty(plan.Steps);
        Assert.Equal([2L], plan.ChangedSinceApplied.Select(m => m.Version));
    }

    [Fact]
    public void Versions_applied_by_FluentMigrator_have_no_checksum_and_are_not_reported_as_changed()
    {
        var plan = MigrationPlanner.Up([Info(1, "a")], [Applied(1, checksum: null)], null, Generator);

        Assert.Empty(plan.ChangedSinceApplied);
        Assert.Empty(plan.Steps);
    }

    [Fact]
    public void Rolling_back_runs_down_newest_first_and_refuses_unknown_versions()
    {
        var migrations = new[] { Info(1, "a"), Info(2, "b") };

        var plan = MigrationPlanner.Down(migrations, [Applied(1), Applied(2)], to: 0, Generator);
        Assert.Equal([2L, 1L], plan.Steps.Select(s => s.Migration.Version));
        Assert.Equal(["DROP TABLE \"b\""], plan.Steps[0].Statements);

        var error = Assert.Throws<MigrationDefinitionException>(() => MigrationPlanner.Down(migrations, [Applied(1), Applied(7)], 0, Generator));
        Assert.Contains("version 7 is applied, but no selected migration has that version", error.Message, StringComparison.Ordinal);
    }

    private static MigrationInfo Info(long version, string table)
    {
        var up = ScratchMigration.Describe(m => m.Create.Table(table).WithColumn("id").AsInt32());
        return new MigrationInfo(version, table, typeof(ScratchMigration), TransactionBehavior.Default, [], up, up.Reverse().Select(e => e.Reverse()!).ToList(), null);
    }

    private static AppliedMigration Applied(long version, string? checksum = "0000") => new(version, DateTime.UtcNow, null, checksum, 1, "test");
}
