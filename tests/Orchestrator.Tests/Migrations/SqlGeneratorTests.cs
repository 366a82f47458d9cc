using Orchestrator.Migrations;
using Orchestrator.Migrations.Generation;

namespace Orchestrator.Tests.Migrations;

/// <summary>
/// The scenarios every dialect answers (FluentMigrator's BaseTableTests idea): each dialect's
/// subclass gives the exact SQL it must produce for <see cref="GeneratorScenarios"/>.
/// </summary>
public abstract class SqlGeneratorTests
{
    protected abstract SqlGenerator Generator { get; }

    /// <summary>Scenario name to the expected statements, one per line.</summary>
    protected abstract IReadOnlyDictionary<string, string> Expected { get; }

    protected abstract int LongestIdentifier { get; }

    /// <summary>The SQL for a partial index, or null where the engine has none and must refuse it.</summary>
    protected abstract string? PartialIndex { get; }

    public static TheoryData<string> Scenarios() => [.. GeneratorScenarios.All.Keys];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Generates_exactly_the_expected_sql(string scenario)
    {
        Assert.True(Expected.ContainsKey(scenario), $"{GetType().Name} gives no expected SQL for '{scenario}'");
        Assert.Equal(Expected[scenario], Generate(GeneratorScenarios.All[scenario]));
    }

    [Fact]
    public void Every_expected_scenario_exists() => Assert.Equal(GeneratorScenarios.All.Keys.Order(), Expected.Keys.Order());

    [Fact]
    public void A_partial_index_is_generated_or_refused()
    {
        void Body(ScratchMigration m) => m.Create.Index("ix_active_users").OnTable("users").OnColumn("email").Filter("\"active\"");
        if (PartialIndex is null)
        {
            var error = Assert.Throws<MigrationDefinitionException>(() => Generate(Body));
            Assert.Contains("partial indexes (Filter) exist only on PostgreSQL", error.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(PartialIndex, Generate(Body));
        }
    }

    [Theory]
    [InlineData("bad\"name")]
    [InlineData("bad`name")]
    [InlineData("bad'name")]
    [InlineData("bad\nname")]
    public void Identifiers_with_quotes_or_control_characters_are_refused(string identifier)
    {
        var error = Assert.Throws<MigrationDefinitionException>(() => Generate(m => m.Create.Table(identifier).WithColumn("id").AsInt32()));
        Assert.Contains("contains a quote or control character", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Identifiers_longer_than_the_engine_allows_are_refused()
    {
        var longest = new string('a', LongestIdentifier);
        Assert.Contains(longest, Generate(m => m.Delete.Table(longest)), StringComparison.Ordinal);

        var error = Assert.Throws<MigrationDefinitionException>(() => Generate(m => m.Delete.Table(longest + "a")));
        Assert.Contains($"allows at most {LongestIdentifier}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_update_without_where_or_all_rows_is_refused()
    {
        var error = Assert.Throws<MigrationDefinitionException>(() => Generate(m => m.Update.Table("users").Set(new { active = false })));
        Assert.Contains("needs .Where(new { ... }) or .AllRows()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_column_without_a_type_is_refused()
    {
        var error = Assert.Throws<MigrationDefinitionException>(() => Generate(m => m.Create.Table("t").WithColumn("untyped").NotNullable()));
        Assert.Contains("column 'untyped' has no type", error.Message, StringComparison.Ordinal);
    }

    private string Generate(Action<ScratchMigration> body) =>
        string.Join("\n", ScratchMigration.Describe(body).SelectMany(Generator.Generate));
}
