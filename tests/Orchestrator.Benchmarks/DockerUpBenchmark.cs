using System.Diagnostics;
using System.Globalization;
using Orchestrator.Environments;
using Orchestrator.Processes;
using Orchestrator.Hosts;

namespace Orchestrator.Benchmarks;

/// <summary>
/// `up` of a docker environment (a primary, a replica, a cascading replica, each in a container
/// on a network of its own) from nothing until every replica replicates, against a shell script
/// doing the same with the docker CLI (<see cref="PostgresDockerUpScript"/>,
/// <see cref="MariaDbDockerUpScript"/>). Alternately, in one process.
/// </summary>
internal static class DockerUpBenchmark
{
    public static Task<(TimeSpan Tool, TimeSpan Baseline)> RunAsync(int rounds, EngineKind engine)
    {
        var image = engine == EngineKind.MariaDb ? "orchestrator/mariadb:10.11" : "orchestrator/postgres:15";
        var script = engine == EngineKind.MariaDb ? MariaDbDockerUpScript.Script : PostgresDockerUpScript.Script;
        return AlternatingRounds.MedianAsync(rounds, round => TimeToolAsync(round, engine, image), round => TimeScriptAsync(round, image, script));
    }

    private static async Task<TimeSpan> TimeToolAsync(int round, EngineKind engine, string image)
    {
        var work = Directory.CreateTempSubdirectory("orch-bench-docker-up-").FullName;
        var ports = FreePorts.Take(3);
        var file = Path.Combine(work, "docker.yaml");
        await File.WriteAllTextAsync(file, string.Create(CultureInfo.InvariantCulture, $$"""
            name: bench-docker-{{round}}
            engine: {{engine.ToText()}}
            provider: docker
            image: {{image}}
            database: app
            nodes:
              - { name: primary,   role: primary, port: {{ports[0]}} }
              - { name: replica-1, role: replica, source: primary,   port: {{ports[1]}} }
              - { name: replica-2, role: replica, source: replica-1, port: {{ports[2]}} }
            """));
        return await AlternatingRounds.TimeUpAsync(file, work);
    }

    private static async Task<TimeSpan> TimeScriptAsync(int round, string image, string script)
    {
        var work = Directory.CreateTempSubdirectory("orch-bench-docker-sh-").FullName;
        var name = $"bench-sh-{round}";
        var ports = FreePorts.Take(3);
        var scriptPath = Path.Combine(work, "up.sh");
        await File.WriteAllTextAsync(scriptPath, script);
        try
        {
            var clock = Stopwatch.StartNew();
            await ProcessRunner.RunCheckedAsync(new ProcessSpec("bash", [scriptPath, name, image, .. ports.Select(p => p.ToString(CultureInfo.InvariantCulture))]), CancellationToken.None);
            return clock.Elapsed;
        }
        finally
        {
            await ProcessRunner.RunAsync(new ProcessSpec("bash", ["-c", "docker rm -f \"$1-p\" \"$1-r1\" \"$1-r2\"; docker volume rm \"$1-p\" \"$1-r1\" \"$1-r2\"; docker network rm \"$1\"", "sh", name]), CancellationToken.None);
            Directory.Delete(work, recursive: true);
        }
    }
}
