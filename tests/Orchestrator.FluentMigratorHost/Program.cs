using Orchestrator.FluentMigratorHost;

// fluentmigrator-host ENGINE CONNECTION-STRING ASSEMBLY [--tag T]... [--to V]: FluentMigrator's own runner, as a process.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: Orchestrator.FluentMigratorHost postgres|mariadb|sqlite CONNECTION-STRING ASSEMBLY [--tag TAG]... [--to VERSION] [--allow-breaking-changes]");
    return 2;
}

var tags = new List<string>();
long? to = null;
var allowBreaking = false;
for (var i = 3; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--tag":
            tags.Add(args[++i]);
            break;
        case "--to":
            to = long.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            break;
        case "--allow-breaking-changes":
            allowBreaking = true;
            break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}");
            return 2;
    }
}

FluentMigratorRun.MigrateUp(new FluentMigratorRequest(args[0], args[1], args[2]) { Tags = tags, AllowBreakingChanges = allowBreaking }, to);
return 0;
