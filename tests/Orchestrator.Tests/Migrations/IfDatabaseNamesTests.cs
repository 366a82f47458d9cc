using Orchestrator.Migrations.Translation;

namespace Orchestrator.Tests.Migrations;

public sealed class IfDatabaseNamesTests
{
    [Fact]
    public void Literal_names_are_read_from_up_and_down_and_a_predicate_gives_none()
    {
        var names = IfDatabaseNames.Of(typeof(NamesDatabases)).Order(StringComparer.Ordinal);

        Assert.Equal(["MariaDB", "Postgres", "Postgress", "mysql 8"], names);
    }

    [Fact]
    public void Known_names_are_fluentmigrators_ids_compared_case_insensitively()
    {
        Assert.Contains("postgres", IfDatabaseNames.Known);
        Assert.Contains("MYSQL 8", IfDatabaseNames.Known);
        Assert.DoesNotContain("Postgress", IfDatabaseNames.Known);
    }
}
