using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;
using Orchestrator.Progress;
using Orchestrator.Topology;
using Orchestrator.Context;

namespace Orchestrator.Drift;

/// <summary>
/// The schema an environment's applied migrations produce: they are applied, exactly the
/// versions the live primary records, to a scratch local server of the same engine, which is
/// read and then deleted.
/// </summary>
internal static class MigrationsBaseline
{
    public static async Task<NodeSchema> ReadAsync(EnvironmentContext context, IReadOnlyList<long> appliedVersions, CancellationToken cancellationToken)
    {
        var environment = context.Definition;
        if (environment.Migrations is null)
        {
            throw new IncomparableEnvironmentsException($"environment '{environment.Name}' has no 'migrations' section to compare against");
        }

        await using var scratch = await ScratchEnvironment.CreateAsync(context, SilentProgress.Instance);
        await scratch.StartAsync(cancellationToken);
        var applied = appliedVersions.ToHashSet();
        await using (var target = await MigrationTarget.OpenAsync(scratch.Context, cancellationToken))
        {
            await target.Runner.MigrateAsync(target.Project, new MigrateOptions { Only = m => applied.Contains(m.Version) }, cancellationToken);
        }

        var engine = scratch.Context.Engine;
        var credentials = scratch.Context.Credentials;
        await using var session = await engine.ConnectAsync(engine.AdminTarget(scratch.Definition.Primary, credentials, scratch.Definition.Database), cancellationToken);
        var shape = await engine.SchemaReader.ReadApplicationAsync(session, cancellationToken);
        return new NodeSchema($"{environment.Name}/migrations (scratch)", shape.Fingerprint(), shape, null);
    }
}
