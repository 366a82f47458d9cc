using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Backups;

/// <summary>What the point-in-time tests of both engines do alike: run the CLI on a topology, take a base backup, read the ids written.</summary>
internal static class PointInTimeSteps
{
    public static async Task<List<long>> IdsAsync(TestTopology topology, string node)
    {
        await using var session = await topology.ConnectAsync(node);
        return (await session.QueryAsync("SELECT id FROM pitr_writes ORDER BY id")).Select(r => r.GetInt64("id")!.Value).ToList();
    }

    /// <summary>A physical backup of the topology into <paramref name="name"/> beside its file; returns its folder.</summary>
    public static async Task<string> PhysicalBackupAsync(TestTopology topology, string name = "base")
    {
        var backup = Path.Combine(topology.Directory, name);
        var (exit, output) = await CliAsync(topology, "backup", "--kind", "physical", "--out", backup);
        Assert.True(exit == 0, output);
        return backup;
    }

    /// <summary>A restore target halfway between the last write before a pause and the first after it, as the command line takes it.</summary>
    public static string Midway(DateTimeOffset lastBefore, DateTimeOffset firstAfter) =>
        (lastBefore + ((firstAfter - lastBefore) / 2)).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

    public static Task<(int ExitCode, string Output)> CliAsync(TestTopology topology, params string[] arguments) =>
        CliRunner.RunAsync([.. arguments, "-e", topology.File, "--state-dir", topology.StateDir]);
}
