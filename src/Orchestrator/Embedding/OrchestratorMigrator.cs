using System.Reflection;
using Microsoft.Extensions.Logging;
using Orchestrator.Environments;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;
using Orchestrator.Composition;

namespace Orchestrator.Embedding;

/// <summary>
/// The command line's <c>migrate</c>, from your own program: applies the pending FluentMigrator
/// migrations of an assembly your program has loaded (its own, say) on the node that reports itself
/// primary, each in version order, and returns once every replica has replayed them. Several
/// instances at once are safe: they take turns on the database's migration lock, and the later
/// ones find nothing pending (<see cref="MigrationResult.NothingPending"/>) and log so.
/// </summary>
/// <example>
/// <code>
/// var migrator = new OrchestratorMigrator("environments/production.yaml", typeof(CreateOrders).Assembly, logger);
/// var result = await migrator.MigrateAsync(cancellationToken);
/// </code>
/// </example>
public sealed class OrchestratorMigrator
{
    private readonly Func<EnvironmentLoadResult> _load;
    private readonly bool _fromFile;
    private readonly Assembly _migrations;
    private readonly ILogger _logger;

    /// <summary>A migrator for the environment an environment file describes (<c>migrations.project</c> or <c>.assembly</c> in it are not used: <paramref name="migrations"/> are).</summary>
    /// <param name="environmentFile">The environment's YAML file, as the command line's <c>-e</c>.</param>
    /// <param name="migrations">The assembly holding the migrations, already loaded.</param>
    /// <param name="logger">Where the run's steps, waits and outcome are logged.</param>
    public OrchestratorMigrator(string environmentFile, Assembly migrations, ILogger logger)
        : this(() => EnvironmentLoader.Load(environmentFile), fromFile: true, migrations, logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(environmentFile);
    }

    /// <summary>A migrator for existing servers described in code.</summary>
    /// <param name="environment">The servers and the database.</param>
    /// <param name="migrations">The assembly holding the migrations, already loaded.</param>
    /// <param name="logger">Where the run's steps, waits and outcome are logged.</param>
    public OrchestratorMigrator(EnvironmentSpec environment, Assembly migrations, ILogger logger)
        : this(() => EnvironmentSpecYaml.Load(environment), fromFile: false, migrations, logger)
    {
        ArgumentNullException.ThrowIfNull(environment);
    }

    private OrchestratorMigrator(Func<EnvironmentLoadResult> load, bool fromFile, Assembly migrations, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        ArgumentNullException.ThrowIfNull(logger);
        _load = load;
        _fromFile = fromFile;
        _migrations = migrations;
        _logger = logger;
    }

    /// <summary>What to apply, and where the environment's state is; every pending migration unless set.</summary>
    public MigratorOptions Options { get; init; } = new();

    /// <summary>
    /// Applies the pending migrations and waits for every replica to replay them. Returns what was
    /// applied, or that nothing was pending.
    /// </summary>
    /// <exception cref="OrchestratorMigrationException">The run failed; its <see cref="OrchestratorMigrationException.Kind"/> says how. It is logged as one line too.</exception>
    public async Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var opening = true;
        try
        {
            var environment = Environment();
            using var project = Project(environment);
            await using var target = await MigrationTarget.OpenAsync(CompositionRoot.Open(environment, Options.StateDirectory, new LoggerProgress(_logger)), project, cancellationToken);
            opening = false;
            var outcome = await target.Runner.MigrateAsync(
                target.Project, new MigrateOptions { To = Options.To, Strict = Options.Strict, AllowBreakingChanges = Options.AllowBreakingChanges }, cancellationToken);
            var result = new MigrationResult
            {
                Database = environment.Database,
                Primary = target.Node.Name,
                Applied = [.. outcome.Ran.Select(r => new AppliedVersion(r.Step.Migration.Version, r.Step.Migration.Type.Name, r.Elapsed))],
                AppliedByOthers = [.. outcome.AppliedElsewhere.Select(m => m.Version)],
                Replicas = [.. outcome.Replicas.Select(MigrationFailures.Status)],
                Version = await target.ReadVersionAsync(cancellationToken),
                LockWaited = outcome.LockWaited,
            };
            Report(result);
            return result;
        }
        catch (Exception e) when (MigrationFailures.Classify(e, opening) is { } failure)
        {
            MigratorLog.Failed(_logger, failure.Kind, failure.Message);
            if (ReferenceEquals(failure, e))
            {
                throw;
            }

            throw failure;
        }
    }

    /// <summary>The environment, checked, with the migrations section the given assembly answers.</summary>
    private EnvironmentDefinition Environment()
    {
        var loaded = _load();
        if (!loaded.Succeeded)
        {
            throw MigrationFailures.Invalid(loaded.Diagnostics, _fromFile);
        }

        var environment = loaded.Environment!;
        if (environment.IsSharded)
        {
            environment = Options.Shard is { } shard
                ? environment.Shards.Any(s => s.Name == shard)
                    ? environment.Shard(shard)
                    : throw new OrchestratorMigrationException(
                        MigrationFailureKind.InvalidEnvironment,
                        $"environment '{environment.Name}' has no shard '{shard}' (its shards: {string.Join(", ", environment.Shards.Select(s => s.Name))})")
                : throw new OrchestratorMigrationException(
                    MigrationFailureKind.InvalidEnvironment,
                    $"environment '{environment.Name}' is sharded; set MigratorOptions.Shard to one of {string.Join(", ", environment.Shards.Select(s => s.Name))} (one migrator per shard)");
        }
        else if (Options.Shard is { } shard)
        {
            throw new OrchestratorMigrationException(MigrationFailureKind.InvalidEnvironment, $"environment '{environment.Name}' has no shards, but MigratorOptions.Shard names '{shard}'");
        }

        var file = environment.Migrations ?? new MigrationsDefinition(null, null, []);
        return environment with
        {
            Migrations = file with
            {
                Project = null,
                Assembly = AssemblyPath(_migrations),
                Tags = Options.Tags ?? file.Tags,
                Profile = Options.Profile ?? file.Profile,
            },
        };
    }

    /// <summary>The migrations as FluentMigrator's loaders find them in the given assembly, used as it is (never loaded again).</summary>
    private MigrationProject Project(EnvironmentDefinition environment)
    {
        var definition = environment.Migrations!;
        var references = _migrations.GetReferencedAssemblies().Select(a => a.Name);
        if (!references.Any(name => name is "FluentMigrator" or "FluentMigrator.Abstractions"))
        {
            throw new MigrationDefinitionException(
                $"{_migrations.GetName().Name} does not reference FluentMigrator, so it holds no migrations to run; pass the assembly of your migrations, such as typeof(SomeMigration).Assembly");
        }

        return MigrationProject.Load(_migrations, definition.Assembly!, definition);
    }

    /// <summary>
    /// Where the assembly is: script paths (Execute.Script) are relative to its folder. One loaded
    /// from bytes or bundled in a single-file program has no file: the program's folder stands for it.
    /// </summary>
    private static string AssemblyPath(Assembly assembly) =>
        assembly.Location is { Length: > 0 } location ? location : Path.Combine(AppContext.BaseDirectory, $"{assembly.GetName().Name}.dll");

    private void Report(MigrationResult result)
    {
        if (result.NothingPending)
        {
            var meanwhile = result.LockWaited > TimeSpan.Zero ? $" after waiting {result.LockWaited.TotalSeconds:0.0}s for another runner's migration lock" : "";
            if (result.AppliedByOthers.Count > 0)
            {
                meanwhile += $" ({Counted.Of(result.AppliedByOthers.Count, "migration")} applied by another runner meanwhile)";
            }

            MigratorLog.NothingPending(_logger, result.Database, result.Primary, result.Version, meanwhile);
            return;
        }

        var replicas = result.Replicas.Count == 0
            ? "no replicas to wait for"
            : $"replayed by {string.Join(", ", result.Replicas.Select(r => $"{r.Node} ({r.Waited.TotalMilliseconds:0} ms)"))}";
        MigratorLog.Applied(
            _logger, Counted.Of(result.Applied.Count, "migration"), result.Primary, string.Join(", ", result.Applied.Select(a => $"{a.Version} {a.Name}")), result.Database, result.Version, replicas);
    }
}
