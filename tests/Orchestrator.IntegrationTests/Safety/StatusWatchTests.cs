using System.Diagnostics;
using System.Globalization;
using Orchestrator.Environments;
using Orchestrator.Hosts.Local;
using Orchestrator.IntegrationTests.Infrastructure;

namespace Orchestrator.IntegrationTests.Safety;

/// <summary>
/// status --watch with one node's server stopped (SIGSTOP: it accepts connections and answers
/// nothing): the other rows keep refreshing at the interval, and the stopped node's row is stale.
/// </summary>
public sealed class StatusWatchTests
{
    private const int SigStop = 19;
    private const int SigCont = 18;
    private const int SigInt = 2;

    [Fact]
    public async Task A_stopped_node_goes_stale_while_the_other_rows_refresh_at_the_interval()
    {
        await using var topology = await TestTopology.StartAsync(EngineKind.Postgres, "it-pg-watch");

        // The migrations are built once beforehand: on a fresh clone, with other tests building
        // beside it, the watch's first build would take most of its ten seconds.
        var (warmExit, warm) = await CliRunner.RunAsync("status", "-e", topology.File, "--state-dir", topology.StateDir);
        Assert.True(warmExit == 0, warm);
        var stopped = topology.ServerPid("replica-2");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { BuiltArtifacts.Cli, "status", "-e", topology.File, "--state-dir", topology.StateDir, "--watch", "--interval", "1s" })
        {
            start.ArgumentList.Add(argument);
        }

        string output;
        Libc.Kill(stopped, SigStop);
        try
        {
            using var watch = Process.Start(start)!;
            var reading = watch.StandardOutput.ReadToEndAsync();
            var errors = watch.StandardError.ReadToEndAsync();
            await Task.Delay(TimeSpan.FromSeconds(10));
            Libc.Kill(watch.Id, SigInt);
            try
            {
                await watch.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token);
            }
            catch (OperationCanceledException)
            {
                // A watch that ignores Ctrl+C must not outlive the test (it would hold the suite's lock).
                watch.Kill(entireProcessTree: true);
                await watch.WaitForExitAsync();
                Assert.Fail($"status --watch did not end within 120 s of SIGINT:\n{await reading}{await errors}");
            }

            output = await reading + await errors;
        }
        finally
        {
            Libc.Kill(stopped, SigCont);
        }

        var primaryReads = ReadTimes(output, "primary");
        Assert.True(primaryReads.Count >= 5, $"the primary's row refreshed {primaryReads.Count} times in 10 s:\n{output}");
        Assert.True((primaryReads[^1] - primaryReads[0]).TotalSeconds >= 4, $"the primary's read times did not advance:\n{output}");
        Assert.Contains(output.Split('\n'), line => line.Contains(" replica-2 ", StringComparison.Ordinal) && line.TrimEnd().EndsWith("stale", StringComparison.Ordinal));
        Assert.DoesNotContain(output.Split('\n'), line => line.Contains(" primary ", StringComparison.Ordinal) && line.TrimEnd().EndsWith("stale", StringComparison.Ordinal));
    }

    /// <summary>The distinct read times of a node's lines ("... read=HH:MM:SSZ"), in order.</summary>
    private static List<TimeSpan> ReadTimes(string output, string node) =>
        output.Split('\n')
            .Where(line => line.Contains($" {node} ", StringComparison.Ordinal) && line.Contains("read=", StringComparison.Ordinal))
            .Select(line => line[(line.IndexOf("read=", StringComparison.Ordinal) + 5)..].Split(' ')[0].TrimEnd('Z'))
            .Where(text => text != "never")
            .Select(text => TimeSpan.ParseExact(text, @"hh\:mm\:ss", CultureInfo.InvariantCulture))
            .Distinct()
            .ToList();
}
