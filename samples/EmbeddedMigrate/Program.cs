// Migrates this program's database at start-up: the migrations are applied on the primary and
// every replica has replayed them before the program goes on. Start as many copies at once as you
// like: one applies, the others wait for it and find nothing pending.
//
//   dotnet run --project samples/EmbeddedMigrate -- ENVIRONMENT-FILE [STATE-DIRECTORY]
using EmbeddedMigrate.Migrations;
using Microsoft.Extensions.Logging;
using Orchestrator.Embedding;

if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: EmbeddedMigrate ENVIRONMENT-FILE [STATE-DIRECTORY]");
    return 2;
}

using var logging = LoggerFactory.Create(builder => builder.AddSimpleConsole(console => console.SingleLine = true));
var logger = logging.CreateLogger("EmbeddedMigrate");

// The environment file says where the servers are; the migrations are this program's own classes.
var migrator = new OrchestratorMigrator(args[0], typeof(CreateGreetings).Assembly, logger)
{
    Options = new MigratorOptions { StateDirectory = args.Length > 1 ? args[1] : null },
};

try
{
    var result = await migrator.MigrateAsync();
    logger.LogInformation(
        "Database {Database} at version {Version}: {Applied} applied by this process",
        result.Database,
        result.Version,
        result.NothingPending ? "nothing" : string.Join(", ", result.Applied.Select(a => a.Version)));
}
catch (OrchestratorMigrationException e)
{
    // Already logged by the migrator, as one line. Bad input changed nothing; anything else may have.
    return e.Kind is MigrationFailureKind.InvalidEnvironment or MigrationFailureKind.InvalidMigrations ? 2 : 1;
}

// ... the program's own work would start here, on a schema every replica has.
return 0;
