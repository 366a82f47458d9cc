using FluentMigrator.Expressions;
using FluentMigrator.Model;
using Orchestrator.Engines.MariaDb;
using Orchestrator.Engines.Postgres;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Lint;
using Orchestrator.Migrations.Translation;

namespace Orchestrator.Tests.Migrations;

/// <summary>Names PostgreSQL shortens: the name it keeps, the warning that says so, and two names that would become one.</summary>
public sealed class IdentifierLintTests
{
    private const string ForeignKey = "FK_hours_of_operation_days_hours_of_operation_id_hours_of_operations_id";

    private static readonly PostgresMigrationDialect Postgres = new();

    [Fact]
    public void Postgres_keeps_the_first_63_bytes_ending_on_a_whole_character()
    {
        Assert.Null(Postgres.KeptName(new string('a', 63)));
        Assert.Equal(ForeignKey[..63], Postgres.KeptName(ForeignKey));

        // 62 ASCII bytes, then a two-byte character that would end past byte 63: it goes whole.
        Assert.Equal(new string('a', 62), Postgres.KeptName(new string('a', 62) + "éé"));
        Assert.Null(Postgres.IdentifierProblem(ForeignKey));
        Assert.NotNull(new MariaDbMigrationDialect().IdentifierProblem(ForeignKey));
    }

    [Fact]
    public void A_long_name_warns_with_the_name_the_server_keeps_and_short_names_do_not()
    {
        var pending = new[] { Pending(1, ForeignKeyNamed(ForeignKey)), Pending(2, ForeignKeyNamed("FK_short")) };

        var warning = Assert.Single(IdentifierLint.Check(pending, Postgres));

        Assert.Equal($"foreign key name '{ForeignKey}' is longer than the 63 bytes the engine keeps; the server will name it '{ForeignKey[..63]}'", warning.Problem);
        Assert.Empty(IdentifierLint.Check(pending, new MariaDbMigrationDialect()));
    }

    [Fact]
    public void Two_names_that_would_become_one_are_refused_naming_both()
    {
        var other = ForeignKey[..63] + "_other";

        var refused = Assert.Throws<MigrationDefinitionException>(() => IdentifierLint.Check([Pending(1, ForeignKeyNamed(ForeignKey)), Pending(2, ForeignKeyNamed(other))], Postgres));

        Assert.Contains($"'{other}' and '{ForeignKey}'", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"both would become '{ForeignKey[..63]}'", refused.Message, StringComparison.Ordinal);

        // Columns of different tables live apart.
        var column = new string('c', 70);
        Assert.Equal(2, IdentifierLint.Check([Pending(1, Column("a", column)), Pending(2, Column("b", column + "x"))], Postgres).Count);
    }

    private static CreateForeignKeyExpression ForeignKeyNamed(string name) => new()
    {
        ForeignKey = new ForeignKeyDefinition { Name = name, ForeignTable = "days", PrimaryTable = "hours", ForeignColumns = { "hours_id" }, PrimaryColumns = { "id" } },
    };

    private static CreateColumnExpression Column(string table, string name) => new() { TableName = table, Column = new ColumnDefinition { Name = name } };

    private static TranslatedMigration Pending(long version, IMigrationExpression expression) => new(Project.Versioned(version), [], [expression], false);
}
