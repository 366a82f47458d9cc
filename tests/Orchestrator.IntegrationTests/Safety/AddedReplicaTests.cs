using Orchestrator.Environments;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Safety;

/// <summary>
/// A replica added to the file of a running environment: up clones it from its running source,
/// which admits it (PostgreSQL: its pg_hba.conf is written anew from the file before the copy).
/// </summary>
public abstract class AddedReplicaTests
{
    private readonly EngineKind _engine;
    private readonly string _name;

    private protected AddedReplicaTests(EngineKind engine, string name)
    {
        _engine = engine;
        _name = name;
    }

    [Fact]
    public async Task Up_clones_a_replica_added_to_the_file_of_a_running_environment()
    {
        var directory = Directory.CreateTempSubdirectory($"orch-it-{_name}-").FullName;
        File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("755", 8));
        var ports = FreePorts.Take(2);
        var file = Path.Combine(directory, $"{_name}.yaml");
        var args = new[] { "-e", file, "--state-dir", Path.Combine(directory, "state") };
        await File.WriteAllTextAsync(file, $"name: {_name}\nengine: {_engine.ToText()}\ndatabase: app\nnodes:\n  - {{ name: primary, role: primary, port: {ports[0]} }}\n");
        try
        {
            var (firstExit, first) = await CliRunner.RunAsync(["up", .. args]);
            Assert.True(firstExit == 0, first);

            await File.AppendAllTextAsync(file, $"  - {{ name: replica-1, role: replica, source: primary, port: {ports[1]} }}\n");
            var (exitCode, output) = await CliRunner.RunAsync(["up", .. args]);
            Assert.True(exitCode == 0, output);

            var (statusExit, status) = await CliRunner.RunAsync(["status", .. args]);
            Assert.True(statusExit == 0, status);
        }
        finally
        {
            await CliRunner.RunAsync(["down", .. args, "--purge"]);
            Directory.Delete(directory, recursive: true);
        }
    }
}

public sealed class PostgresAddedReplicaTests() : AddedReplicaTests(EngineKind.Postgres, "it-pg-added");

public sealed class MariaDbAddedReplicaTests() : AddedReplicaTests(EngineKind.MariaDb, "it-maria-added");
