using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Migrations;

[Collection(PostgresCollection.Name)]
public sealed class PostgresMigrationTests(PostgresTopologyFixture fixture) : MigrationTests(fixture)
{
    protected override string VersionsSql => """SELECT "Version" AS v FROM "VersionInfo" ORDER BY 1""";

    protected override string NoSuchTableCode => "42P01";

    protected override string Quote(string identifier) => $"\"{identifier}\"";

    protected override bool TransactionalDdl => true;

    protected override string[] FluentMigratorVersionTable =>
    [
        """CREATE TABLE "public"."VersionInfo" ("Version" bigint NOT NULL, "AppliedOn" timestamp, "Description" varchar(1024))""",
        """CREATE UNIQUE INDEX "UC_Version" ON "public"."VersionInfo" ("Version" ASC)""",
    ];

    protected override string FluentMigratorVersionRow(long version, string description) =>
        $"""INSERT INTO "public"."VersionInfo" ("Version", "AppliedOn", "Description") VALUES ({version}, '2023-05-01T10:00:00', '{description}')""";

    [Fact]
    public async Task Concurrently_inside_a_transaction_is_refused_before_anything_runs()
    {
        var (env, database) = await EnvironmentAsync("concurrently-in-transaction");

        var (exitCode, output) = await Cli("migrate", env);

        Assert.Equal(2, exitCode);
        Assert.Contains("migration 4001 IndexConcurrentlyInTransaction: Create.Index(\"ix_bad\").OnTable(\"things\") uses CONCURRENTLY, which cannot run inside a transaction; declare it [Migration(4001, TransactionBehavior.None)]", output, StringComparison.Ordinal);
        Assert.False(await TableExistsAsync(database, "VersionInfo"));
    }
}
