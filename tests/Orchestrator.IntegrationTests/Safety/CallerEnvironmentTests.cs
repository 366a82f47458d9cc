using Orchestrator.Environments;
using Orchestrator.IntegrationTests.Infrastructure;
using Orchestrator.Processes;

namespace Orchestrator.IntegrationTests.Safety;

/// <summary>
/// The command line run from a shell whose client settings point elsewhere: PG* and MYSQL_*
/// variables, a ~/.pgpass and a ~/.my.cnf with wrong passwords and options. A rebuild and a
/// restore remove data before they copy it back, so a client that took the caller's password
/// instead of the tool's would leave nodes empty; none of these settings may reach the tool's
/// sessions or its child programs.
/// </summary>
public abstract class CallerEnvironmentTests
{
    private readonly EngineKind _engine;
    private readonly string _name;
    private readonly ProviderKind _provider;

    private protected CallerEnvironmentTests(EngineKind engine, string name, ProviderKind provider = ProviderKind.Local)
    {
        _engine = engine;
        _name = name;
        _provider = provider;
    }

    [Fact]
    public async Task Backup_rebuild_and_restore_ignore_the_callers_client_settings()
    {
        var topology = await TestTopology.StartAsync(_engine, _name, provider: _provider);
        await using var cleanup = topology;
        await using (var session = await topology.ConnectAsync("primary"))
        {
            await session.ExecuteAsync("CREATE TABLE kept (id int PRIMARY KEY)");
            await session.ExecuteAsync($"INSERT INTO kept VALUES {string.Join(", ", Enumerable.Range(1, 50).Select(i => $"({i})"))}");
        }

        await Task.WhenAll(topology.Environment.Nodes.Select(n => topology.WaitForRowsAsync(n.Name, "kept", 50)));
        var hostile = HostileEnvironment(topology.Directory);
        var args = new[] { "-e", topology.File, "--state-dir", topology.StateDir };
        var backup = Path.Combine(topology.Directory, "backup");

        await RunAsync(hostile, ["backup", .. args, "--out", backup]);
        await RunAsync(hostile, ["replica", "rebuild", "replica-2", .. args]);
        await using (var session = await topology.ConnectAsync("primary"))
        {
            await session.ExecuteAsync("DELETE FROM kept WHERE id > 10");
        }

        await RunAsync(hostile, ["restore", .. args, "--backup", backup]);
        await RunAsync(hostile, ["status", .. args]);

        await Task.WhenAll(topology.Environment.Nodes.Select(n => topology.WaitForRowsAsync(n.Name, "kept", 50)));
    }

    private static Dictionary<string, string> HostileEnvironment(string directory)
    {
        var home = Path.Combine(directory, "caller-home");
        Directory.CreateDirectory(home);
        var pgpass = Path.Combine(home, ".pgpass");
        File.WriteAllText(pgpass, "*:*:*:*:a-wrong-password\n");
        File.SetUnixFileMode(pgpass, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(Path.Combine(home, ".my.cnf"), "[client]\nuser=nobody\npassword=a-wrong-password\n[mariadb-dump]\nno-such-option-from-the-callers-file\n");
        return new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["PGPASSWORD"] = "a-wrong-password",
            ["PGUSER"] = "nobody",
            ["PGDATABASE"] = "nothing-here",
            ["PGOPTIONS"] = "-c statement_timeout=1",
            ["PGSSLMODE"] = "require",
            ["PGCONNECT_TIMEOUT"] = "1",
            ["MYSQL_PWD"] = "a-wrong-password",
            ["MYSQL_TCP_PORT"] = "1",
            ["MYSQL_HOME"] = home,
        };
    }

    private static async Task RunAsync(Dictionary<string, string> environment, string[] args)
    {
        var result = await ProcessRunner.RunAsync(new ProcessSpec("dotnet", [BuiltArtifacts.Cli, .. args]) { Environment = environment }, CancellationToken.None);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', args.Take(3))} exited {result.ExitCode}:\n{result.StandardOutput}\n{result.StandardError}");
    }
}

public sealed class PostgresCallerEnvironmentTests() : CallerEnvironmentTests(EngineKind.Postgres, "it-pg-caller");

public sealed class MariaDbCallerEnvironmentTests() : CallerEnvironmentTests(EngineKind.MariaDb, "it-maria-caller");
