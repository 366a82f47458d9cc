using System.Globalization;
using Orchestrator.Composition;
using Orchestrator.Environments;
using Orchestrator.Progress;
using Orchestrator.Servers;
using Orchestrator.State;
using Orchestrator.Topology;
using Orchestrator.Engines;

namespace Orchestrator.Benchmarks;

/// <summary>A single local primary of one engine, brought up for a benchmark and purged afterwards.</summary>
internal sealed class BenchPrimary : IAsyncDisposable
{
    private readonly LocalTopology _topology;

    private BenchPrimary(string directory, EnvironmentDefinition environment, LocalTopology topology)
    {
        Directory = directory;
        Environment = environment;
        _topology = topology;
    }

    public string Directory { get; }

    public EnvironmentDefinition Environment { get; }

    public string StateDir => Path.Combine(Directory, "state");

    public EnvironmentCredentials Credentials => CredentialStore.Resolve(Environment, new StateLayout(StateDir), create: false);

    public IEngine Engine => EngineRegistry.For(Environment.Engine);

    /// <summary>Topology operations that read the live shape afresh (after a switchover, say).</summary>
    public LocalTopology Local() => new(CompositionRoot.Open(Environment, StateDir, SilentProgress.Instance));

    /// <param name="tls">The file's tls value; none (verify-full, the default) unless given.</param>
    /// <param name="archive">The file's backup.archive (relative to the benchmark's directory); none unless given.</param>
    public static async Task<BenchPrimary> StartAsync(EngineKind engine, int replicas = 0, string? tls = null, string? archive = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("orch-bench-").FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("755", 8));
        var ports = FreePorts.Take(1 + replicas);
        var port = ports[0];
        var replicaNodes = string.Concat(Enumerable.Range(1, replicas).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"\n  - {{ name: replica-{i}, role: replica, source: primary, port: {ports[i]} }}")));
        var file = Path.Combine(directory, "bench.yaml");
        await File.WriteAllTextAsync(file, string.Create(CultureInfo.InvariantCulture, $$"""
            name: bench
            engine: {{(engine == EngineKind.Postgres ? "postgres" : "mariadb")}}
            database: app
            {{(tls is null ? "" : $"tls: {tls}")}}
            {{(archive is null ? "" : $"backup: {{ archive: {archive} }}")}}
            nodes:
              - { name: primary, role: primary, port: {{port}} }
            """) + replicaNodes + "\n");
        var environment = EnvironmentLoader.LoadOrThrow(file);
        var topology = new LocalTopology(CompositionRoot.Open(environment, Path.Combine(directory, "state"), SilentProgress.Instance));
        try
        {
            await topology.UpAsync(CancellationToken.None);
        }
        catch
        {
            // Leave no servers behind a failed start.
            await topology.DiscardAsync(CancellationToken.None);
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }

        return new BenchPrimary(directory, environment, topology);
    }

    /// <summary>An environment file for this primary that migrates <paramref name="database"/> with <paramref name="assembly"/>.</summary>
    public async Task<string> EnvironmentForAsync(string database, string assembly, params string[] tags)
    {
        var text = await File.ReadAllTextAsync(Environment.FilePath);
        var file = Path.Combine(Directory, $"{database}.yaml");
        await File.WriteAllTextAsync(file, text.Replace("database: app", $"database: {database}\nmigrations:\n  assembly: {assembly}{(tags.Length == 0 ? "" : $"\n  tags: [{string.Join(", ", tags)}]")}", StringComparison.Ordinal));
        return file;
    }

    /// <summary>An ADO.NET connection string to <paramref name="database"/> on the primary, for FluentMigrator's own runner.</summary>
    public string ConnectionString(string database)
    {
        var node = Environment.Primary;
        var credentials = Credentials;
        return Environment.Engine == EngineKind.Postgres
            ? $"Host={node.Host};Port={node.Port};Username={credentials.AdminUser};Password={credentials.AdminPassword.Reveal()};Database={database};Pooling=false;{BaselineTls.ConnectionString(credentials, postgres: true)}"
            : $"Server={node.Host};Port={node.Port};User ID={credentials.AdminUser};Password={credentials.AdminPassword.Reveal()};Database={database};Pooling=false;{BaselineTls.ConnectionString(credentials, postgres: false)}";
    }

    public async Task CreateDatabaseAsync(string database)
    {
        await using var session = await Engine.ConnectAsync(Engine.AdminTarget(Environment.Primary, Credentials, null), CancellationToken.None);
        await session.ExecuteAsync($"CREATE DATABASE {database}");
    }

    public async ValueTask DisposeAsync()
    {
        await _topology.DownAsync(purge: true, CancellationToken.None);
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
