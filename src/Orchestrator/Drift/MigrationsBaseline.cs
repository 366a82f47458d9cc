using System.Globalization;
using Orchestrator.Environments;
using Orchestrator.Local;
using Orchestrator.Migrations;
using Orchestrator.Migrations.Running;
using Orchestrator.Topology;

namespace Orchestrator.Drift;

/// <summary>
/// The schema an environment's applied migrations produce: they are applied, exactly the
/// versions the live primary records, to a scratch local server of the same engine, which is
/// read and then deleted.
/// </summary>
public static class MigrationsBaseline
{
    public static async Task<NodeSchema> ReadAsync(EnvironmentDefinition environment, IReadOnlyList<long> appliedVersions, CancellationToken cancellationToken)
    {
        if (environment.Migrations is null)
        {
            throw new IncomparableEnvironmentsException($"environment '{environment.Name}' has no 'migrations' section to compare against");
        }

        var directory = Directory.CreateTempSubdirectory("orchestrator-scratch-").FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("755", 8));
        try
        {
            var scratch = await WriteScratchEnvironmentAsync(environment, directory);
            var topology = new LocalTopology(scratch, Path.Combine(directory, "state"), SilentProgress.Instance);
            try
            {
                await topology.UpAsync(cancellationToken);
                var applied = appliedVersions.ToHashSet();
                await using (var target = await MigrationTarget.OpenAsync(scratch, Path.Combine(directory, "state"), SilentProgress.Instance, cancellationToken))
                {
                    await target.Runner.MigrateAsync(target.Migrations.Where(m => applied.Contains(m.Version)).ToList(), null, strict: false, cancellationToken);
                }

                var engine = EngineRegistry.For(scratch.Engine);
                var credentials = CredentialStore.Resolve(scratch, new StateLayout(Path.Combine(directory, "state")), create: false);
                await using var session = await engine.ConnectAsync(engine.AdminTarget(scratch.Primary, credentials, scratch.Database), cancellationToken);
                var shape = await engine.SchemaReader.ReadAsync(session, cancellationToken);
                return new NodeSchema($"{environment.Name}/migrations (scratch)", shape.Fingerprint(), shape, null);
            }
            finally
            {
                await topology.DownAsync(purge: true, CancellationToken.None);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<EnvironmentDefinition> WriteScratchEnvironmentAsync(EnvironmentDefinition environment, string directory)
    {
        var migrations = environment.Migrations!;
        var source = migrations.Assembly is { } assembly ? $"assembly: \"{assembly}\"" : $"project: \"{migrations.Project}\"";
        var file = Path.Combine(directory, "scratch.yaml");
        await File.WriteAllTextAsync(file, string.Create(CultureInfo.InvariantCulture, $$"""
            name: scratch
            engine: {{(environment.Engine == EngineKind.Postgres ? "postgres" : "mariadb")}}
            database: {{environment.Database}}
            migrations:
              {{source}}
              tags: [{{string.Join(", ", migrations.Tags)}}]
            nodes:
              - { name: primary, role: primary, port: {{PortProbe.FreePort()}} }
            """));
        return EnvironmentLoader.LoadOrThrow(file);
    }
}
