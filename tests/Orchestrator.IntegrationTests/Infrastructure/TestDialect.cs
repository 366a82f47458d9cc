namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>The few engine differences the shared tests need: quoting, schemas, error codes, DDL semantics, FluentMigrator's table.</summary>
public sealed record TestDialect(
    string Engine,
    string VersionsSql,
    string VersionRowsSql,
    Func<string, string, string> InSchema,
    Func<string, string> Quote,
    string NoSuchTableCode,
    bool TransactionalDdl,
    string[] FluentMigratorVersionTable,
    Func<long, string, string> FluentMigratorVersionRow)
{
    public static TestDialect Postgres { get; } = new(
        "postgres",
        """SELECT "Version" AS v FROM "VersionInfo" ORDER BY 1""",
        """SELECT "Version" AS v, "Description" AS d FROM "VersionInfo" ORDER BY 1""",
        (schema, table) => $"{schema}.{table}",
        identifier => $"\"{identifier}\"",
        "42P01",
        TransactionalDdl: true,
        [
            """CREATE TABLE "public"."VersionInfo" ("Version" bigint NOT NULL, "AppliedOn" timestamp, "Description" varchar(1024))""",
            """CREATE UNIQUE INDEX "UC_Version" ON "public"."VersionInfo" ("Version" ASC)""",
        ],
        (version, description) => $"""INSERT INTO "public"."VersionInfo" ("Version", "AppliedOn", "Description") VALUES ({version}, '2023-05-01T10:00:00', '{description}')""");

    /// <summary>FluentMigrator's MySQL layout, with an NVARCHAR description.</summary>
    public static TestDialect MariaDb { get; } = new(
        "mariadb",
        "SELECT `Version` AS v FROM `VersionInfo` ORDER BY 1",
        "SELECT `Version` AS v, `Description` AS d FROM `VersionInfo` ORDER BY 1",
        (_, table) => table,
        identifier => $"`{identifier}`",
        "1146",
        TransactionalDdl: false,
        [
            "CREATE TABLE VersionInfo (Version BIGINT NOT NULL, AppliedOn DATETIME, Description NVARCHAR(1024)) ENGINE = INNODB",
            "CREATE UNIQUE INDEX UC_Version ON VersionInfo (Version ASC)",
        ],
        (version, description) => $"INSERT INTO VersionInfo (Version, AppliedOn, Description) VALUES ({version}, '2023-05-01 10:00:00', '{description}')");
}
