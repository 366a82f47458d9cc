using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Migrations;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbMigrationTests(MariaDbTopologyFixture fixture) : MigrationTests(fixture)
{
    protected override string VersionsSql => "SELECT `Version` AS v FROM `VersionInfo` ORDER BY 1";

    protected override string NoSuchTableCode => "1146";

    protected override string Quote(string identifier) => $"`{identifier}`";

    protected override bool TransactionalDdl => false;

    /// <summary>FluentMigrator's MySQL layout, with an NVARCHAR description.</summary>
    protected override string[] FluentMigratorVersionTable =>
    [
        "CREATE TABLE VersionInfo (Version BIGINT NOT NULL, AppliedOn DATETIME, Description NVARCHAR(1024)) ENGINE = INNODB",
        "CREATE UNIQUE INDEX UC_Version ON VersionInfo (Version ASC)",
    ];

    protected override string FluentMigratorVersionRow(long version, string description) =>
        $"INSERT INTO VersionInfo (Version, AppliedOn, Description) VALUES ({version}, '2023-05-01 10:00:00', '{description}')";
}
