using FluentMigrator.Expressions;
using Orchestrator.Migrations.Running;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Tests.Migrations;

/// <summary>Where a partly applied migration goes on: after its recorded steps, and after the next one when the schema shows it done.</summary>
public sealed class StepEffectsTests
{
    private static readonly TranslatedMigration Migration = new(
        Project.Versioned(7),
        [new SqlStep("CREATE TABLE `a` (`id` INT)"), new SqlStep("CREATE TABLE `b` (`id` INT)"), new SqlStep("INSERT INTO `a` VALUES (1)")],
        [new CreateTableExpression { TableName = "a" }, new CreateTableExpression { TableName = "b" }, new InsertDataExpression { TableName = "a" }],
        false)
    { Origins = [0, 1, 2] };

    [Fact]
    public void It_goes_on_after_the_recorded_steps()
    {
        var at = StepEffects.ResumePoint(Migration, [Done(0)], new Tables(["a"]), out var found);

        Assert.Equal(1, at);
        Assert.Equal(0, found);
    }

    [Fact]
    public void A_step_whose_effect_is_in_the_schema_counts_as_done_though_its_record_is_missing()
    {
        var at = StepEffects.ResumePoint(Migration, [Done(0)], new Tables(["a", "b"]), out var found);

        Assert.Equal(2, at);
        Assert.Equal(1, found);
    }

    [Fact]
    public void It_goes_on_after_the_last_record_though_an_earlier_step_was_found_in_the_schema_and_never_recorded()
    {
        var at = StepEffects.ResumePoint(Migration, [new DoneStep(-1, "whole"), Done(1)], new Tables(["a", "b"]), out var found);

        Assert.Equal(2, at);
        Assert.Equal(0, found);
    }

    [Fact]
    public void Creations_followed_only_by_creations_and_row_changes_need_no_record_but_data_changes_do()
    {
        Assert.True(StepEffects.EvidentSteps(Migration)[0]);
        Assert.True(StepEffects.EvidentSteps(Migration)[1]);
        Assert.False(StepEffects.EvidentSteps(Migration)[2]);
    }

    [Fact]
    public void A_creation_that_a_later_statement_could_undo_needs_its_record()
    {
        var undone = Migration with
        {
            Steps = [.. Migration.Steps, new SqlStep("DROP TABLE `a`")],
            Expressions = [.. Migration.Expressions, new ExecuteSqlStatementExpression { SqlStatement = "DROP TABLE `a`" }],
            Origins = [0, 1, 2, 3],
        };

        Assert.False(StepEffects.EvidentSteps(undone)[0]);
        Assert.False(StepEffects.EvidentSteps(undone)[1]);
    }

    [Fact]
    public void A_run_killed_after_several_unrecorded_creations_goes_on_after_all_those_in_the_schema()
    {
        var at = StepEffects.ResumePoint(Migration, [new DoneStep(-1, "whole")], new Tables(["a", "b"]), out var found);

        Assert.Equal(2, at);
        Assert.Equal(2, found);
    }

    [Fact]
    public void Past_a_recorded_kind_of_step_the_schema_counts_one_statement_at_most()
    {
        var recordedKind = Migration with
        {
            Steps = [.. Migration.Steps, new SqlStep("DELETE FROM `a`")],
            Expressions = [.. Migration.Expressions, new ExecuteSqlStatementExpression { SqlStatement = "DELETE FROM `a`" }],
            Origins = [0, 1, 2, 3],
        };

        var at = StepEffects.ResumePoint(recordedKind, [new DoneStep(-1, "whole")], new Tables(["a", "b"]), out var found);

        Assert.Equal(1, at);
        Assert.Equal(1, found);
    }

    [Fact]
    public void A_recorded_step_whose_text_changed_is_refused()
    {
        var changed = Migration with { Steps = [new SqlStep("CREATE TABLE `a` (`id` BIGINT)"), Migration.Steps[1], Migration.Steps[2]] };

        var refusal = Assert.Throws<MigrationFailedException>(() => StepEffects.ResumePoint(changed, [Done(0)], new Tables([]), out _));

        Assert.Contains("statement 1 has changed since (it now reads: CREATE TABLE `a` (`id` BIGINT))", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_resumed_migration_takes_the_form_whose_recorded_steps_match()
    {
        var online = Migration with { Steps = [new SqlStep("CREATE TABLE `a` (`id` INT), ALGORITHM=INPLACE"), Migration.Steps[1], Migration.Steps[2]] };

        Assert.Same(Migration, StepEffects.FormStartedIn(online, [Migration], [new DoneStep(-1, "whole"), Done(0), Done(1)]));
        Assert.Same(online, StepEffects.FormStartedIn(online, [Migration], [Done(2)]));
        Assert.Same(online, StepEffects.FormStartedIn(online, [Migration], [new DoneStep(0, "another")]));
    }

    [Fact]
    public void Data_changes_cannot_be_told_by_the_schema()
    {
        Assert.Null(StepEffects.Present(Migration, 2, new Tables(["a", "b"])));
    }

    private static DoneStep Done(int step) => new(step, TranslatedMigration.ChecksumOf([Migration.Steps[step]]));

    /// <summary>A schema that has these tables and nothing else.</summary>
    private sealed class Tables(IReadOnlyCollection<string> tables) : ISchemaQuestions
    {
        public bool SchemaExists(string? schema) => true;

        public bool TableExists(string? schema, string table) => tables.Contains(table);

        public bool ColumnExists(string? schema, string table, string column) => false;

        public bool ConstraintExists(string? schema, string table, string constraint) => false;

        public bool IndexExists(string? schema, string table, string index) => false;

        public bool SequenceExists(string? schema, string sequence) => false;

        public bool DefaultValueExists(string? schema, string table, string column, object? defaultValue) => false;
    }
}
