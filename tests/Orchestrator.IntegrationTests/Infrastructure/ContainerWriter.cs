using System.Globalization;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Orchestrator.Environments;
using Orchestrator.Hosts.Docker;

namespace Orchestrator.IntegrationTests.Infrastructure;

/// <summary>
/// A client container on a docker environment's network, inserting one row per client call into
/// whichever node accepts writes (psql: libpq's target_session_attrs=read-write over every node's
/// name; mariadb: each node's name in turn, the read-only ones refusing) and printing each id the
/// server acknowledged: after any fault, those ids must not be lost.
/// </summary>
internal sealed class ContainerWriter : IAsyncDisposable
{
    public const string Table = "container_writes";

    private const string PostgresLoop = """
        i=1
        while :; do
          if psql -qAtX -c "INSERT INTO container_writes (id) VALUES ($i)" >/dev/null 2>&1; then echo "$i"; fi
          i=$((i+1))
        done
        """;

    private const string MariaDbLoop = """
        i=1
        while :; do
          for h in $NODES; do
            if mariadb --ssl -h "$h" -u "$DBUSER" --connect-timeout=2 -e "INSERT INTO container_writes (id) VALUES ($i)" app >/dev/null 2>&1; then echo "$i"; break; fi
          done
          i=$((i+1))
        done
        """;

    private readonly IContainer _container;

    private ContainerWriter(IContainer container) => _container = container;

    public static async Task<ContainerWriter> StartAsync(DockerTestEnvironment docker)
    {
        await using (var session = await docker.ConnectAsync("primary"))
        {
            await session.ExecuteAsync($"CREATE TABLE {Table} (id bigint PRIMARY KEY)");
        }

        await docker.ConfigureTestcontainersAsync();
        var credentials = docker.Credentials;
        var nodes = string.Join(docker.Engine == EngineKind.Postgres ? ',' : ' ', docker.Environment.Nodes.Select(n => n.Name));
        var builder = new ContainerBuilder(docker.Image)
            .WithNetwork(docker.Network)
            .WithEntrypoint("sh")
            .WithLabel(DockerNames.EnvironmentLabel, docker.Environment.Name);
        var container = (docker.Engine == EngineKind.Postgres
            ? builder
                .WithCommand("-c", PostgresLoop)
                .WithEnvironment("PGHOST", nodes)
                .WithEnvironment("PGUSER", credentials.AdminUser)
                .WithEnvironment("PGPASSWORD", credentials.AdminPassword.Reveal())
                .WithEnvironment("PGDATABASE", "app")
                .WithEnvironment("PGTARGETSESSIONATTRS", "read-write")
                .WithEnvironment("PGCONNECT_TIMEOUT", "2")
            : builder
                .WithCommand("-c", MariaDbLoop)
                .WithEnvironment("NODES", nodes)
                .WithEnvironment("DBUSER", credentials.AdminUser)
                .WithEnvironment("MYSQL_PWD", credentials.AdminPassword.Reveal()))
            .Build();
        await container.StartAsync();
        return new ContainerWriter(container);
    }

    /// <summary>The ids the servers acknowledged so far, in order.</summary>
    public async Task<IReadOnlyList<long>> AcknowledgedAsync()
    {
        var (stdout, _) = await _container.GetLogsAsync(timestampsEnabled: false);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => long.Parse(line, CultureInfo.InvariantCulture))
            .ToList();
    }

    public async Task WaitForMoreAsync(int more)
    {
        var target = (await AcknowledgedAsync()).Count + more;
        await TestTopology.EventuallyAsync(async () => (await AcknowledgedAsync()).Count >= target, $"{more} more writes acknowledged to the writer container");
    }

    /// <summary>Stops writing; returns every acknowledged id.</summary>
    public async Task<IReadOnlyList<long>> StopAsync()
    {
        await _container.StopAsync();
        return await AcknowledgedAsync();
    }

    /// <summary>Acknowledged ids that <paramref name="node"/> does not have.</summary>
    public static async Task<IReadOnlyList<long>> MissingOnAsync(DockerTestEnvironment docker, string node, IReadOnlyList<long> acknowledged)
    {
        await using var session = await docker.ConnectAsync(node);
        var present = (await session.QueryAsync($"SELECT id FROM {Table}")).Select(r => r.GetInt64("id")!.Value).ToHashSet();
        return acknowledged.Where(id => !present.Contains(id)).ToList();
    }

    public ValueTask DisposeAsync() => _container.DisposeAsync();
}
