using System.Data;
using FluentMigrator.Expressions;
using FluentMigrator.Model;
using FluentMigrator.Runner.Generators;
using FluentMigrator.Runner.Generators.MySql;
using Microsoft.Extensions.Options;
using Orchestrator.Engines.MariaDb;

namespace Orchestrator.Tests.Engines;

public sealed class MariaDbMigrationDialectTests
{
    [Fact]
    public void Unicode_text_columns_hold_utf8mb4_inheriting_the_databases_collation()
    {
        var sql = Generate(databaseIsUtf8mb4: true);

        Assert.Equal(
            "CREATE TABLE `t` (`s` VARCHAR(255) NOT NULL, `s100` VARCHAR(100) NOT NULL, `big` LONGTEXT NOT NULL, `fixed` CHAR(2) NOT NULL, `ansi` VARCHAR(20) NOT NULL) ENGINE = INNODB;",
            sql);
        Assert.DoesNotContain("NVARCHAR", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("utf8 ", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void In_a_database_of_another_character_set_text_columns_name_utf8mb4()
    {
        Assert.Equal(
            "CREATE TABLE `t` (`s` VARCHAR(255) CHARACTER SET utf8mb4 NOT NULL, `s100` VARCHAR(100) CHARACTER SET utf8mb4 NOT NULL, `big` LONGTEXT CHARACTER SET utf8mb4 NOT NULL, `fixed` CHAR(2) CHARACTER SET utf8mb4 NOT NULL, `ansi` VARCHAR(20) NOT NULL) ENGINE = INNODB;",
            Generate(databaseIsUtf8mb4: false));
    }

    [Fact]
    public void Ifdatabase_matches_every_name_of_the_mysql_family()
    {
        var names = new MariaDbMigrationDialect().DatabaseNames;

        Assert.Contains("MariaDB", names);
        Assert.Contains("MySql", names);
        Assert.Contains("MySql8", names);
        Assert.Contains("MySQL 5", names);
    }

    private static string Generate(bool databaseIsUtf8mb4)
    {
        var generator = new MySql8Generator(new MySqlQuoter(), new Utf8mb4TypeMap(databaseIsUtf8mb4), Options.Create(new GeneratorOptions()));
        var create = new CreateTableExpression { TableName = "t" };
        create.Columns.Add(Column("s", DbType.String, null));
        create.Columns.Add(Column("s100", DbType.String, 100));
        create.Columns.Add(Column("big", DbType.String, int.MaxValue));
        create.Columns.Add(Column("fixed", DbType.StringFixedLength, 2));
        create.Columns.Add(Column("ansi", DbType.AnsiString, 20));
        return generator.Generate(create);
    }

    private static ColumnDefinition Column(string name, DbType type, int? size) => new() { Name = name, Type = type, Size = size, TableName = "t", IsNullable = false };
}
