using FluentMigrator.Expressions;
using Orchestrator.Data;
using Orchestrator.Engines.MariaDb;
using Orchestrator.Engines.Postgres;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Tests.Migrations;

public sealed class MigrationExecutionTests
{
    private static readonly IReadOnlyList<SqlStatement> Bookkeeping = [new("INSERT version"), new("INSERT history")];

    [Fact]
    public void Postgres_runs_a_migration_as_one_atomic_batch_with_its_version_rows()
    {
        var execution = new MigrationExecution(Migration(Sql("CREATE TABLE a (id int)"), Sql("INSERT INTO a VALUES (1)")), new PostgresMigrationStore(VersionTable.Default), atomic: true, Bookkeeping);

        Assert.False(execution.Controlled);
        Assert.Equal(["Step 0", "Step 1", "Bookkeeping", "Bookkeeping"], Describe(execution));
    }

    [Fact]
    public void Mariadb_opens_a_transaction_after_each_schema_change_before_data_changes_code_and_version_rows()
    {
        var code = new CodeStep(new PerformDBOperationExpression { Operation = (_, _) => { } });
        var steps = new MigrationStep[] { Sql("CREATE TABLE a (id int)"), Sql("INSERT INTO a VALUES (1)"), Sql("CREATE INDEX ix ON a (id)"), code };

        var execution = new MigrationExecution(Migration(steps), new MariaDbMigrationStore(VersionTable.Default), atomic: false, Bookkeeping);

        Assert.True(execution.Controlled);
        Assert.Equal(["Step 0", "Open", "Step 1", "Step 2", "Open", "Step 3", "Bookkeeping", "Bookkeeping", "Commit"], Describe(execution));
    }

    [Fact]
    public void Mariadb_opens_one_for_the_version_rows_after_a_final_schema_change()
    {
        var execution = new MigrationExecution(Migration(Sql("CREATE TABLE a (id int)")), new MariaDbMigrationStore(VersionTable.Default), atomic: false, Bookkeeping);

        Assert.Equal(["Step 0", "Open", "Bookkeeping", "Bookkeeping", "Commit"], Describe(execution));
    }

    [Fact]
    public void A_migration_without_a_transaction_gets_no_transaction_control()
    {
        var migration = new TranslatedMigration(
            new ProjectMigration(new FluentMigrator.Infrastructure.MigrationInfo(1, FluentMigrator.TransactionBehavior.None, new EmptyMigration()), MigrationKind.Versioned),
            [Sql("CREATE INDEX CONCURRENTLY ix ON a (id)")],
            [],
            false);

        var execution = new MigrationExecution(migration, new PostgresMigrationStore(VersionTable.Default), atomic: false, Bookkeeping);

        Assert.False(execution.Transactional);
        Assert.Equal(["Step 0", "Bookkeeping", "Bookkeeping"], Describe(execution));
    }

    private static SqlStep Sql(string sql) => new(sql);

    [Fact]
    public void Mariadb_records_the_steps_the_schema_cannot_show_and_marks_the_start()
    {
        var migration = new TranslatedMigration(
            Project.Versioned(1),
            [Sql("CREATE TABLE a (id int)"), Sql("CREATE INDEX ix ON a (id)"), Sql("INSERT INTO a VALUES (1)"), Sql("CREATE TABLE b (id int)")],
            [new CreateTableExpression { TableName = "a" }, new CreateIndexExpression(), new InsertDataExpression { TableName = "a" }, new CreateTableExpression { TableName = "b" }],
            false)
        { Origins = [0, 1, 2, 3] };

        var execution = new MigrationExecution(migration, new MariaDbMigrationStore(VersionTable.Default), atomic: false, Bookkeeping, stepDone: step => [new($"record {step}")]);

        Assert.Equal(
            ["StepDone -1", "Step 0", "Step 1", "Open", "Step 2", "StepDone 2", "Step 3", "Open", "Bookkeeping", "Bookkeeping", "Commit"],
            execution.Entries.Select(e => e.Kind switch { ExecutionEntryKind.Step => $"Step {e.Step}", ExecutionEntryKind.StepDone => $"StepDone {e.Step}", _ => e.Kind.ToString() }));
    }

    private static TranslatedMigration Migration(params MigrationStep[] steps) => new(Project.Versioned(1), steps, [], false);

    private static List<string> Describe(MigrationExecution execution) =>
        execution.Entries.Select(e => e.Kind == ExecutionEntryKind.Step ? $"Step {e.Step}" : e.Kind.ToString()).ToList();
}
