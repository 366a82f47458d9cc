using System.Globalization;
using Orchestrator.Chaos.Faults;
using Orchestrator.TestSupport;

namespace Orchestrator.Chaos;

/// <summary>
/// Carries out one run: prepares the environment, starts the writers and the sampler, waits a
/// random while, lets the fault inject itself and recover, then runs the shared checks. Whatever
/// happens, nothing stays frozen and the clients stop.
/// </summary>
internal static class RunExecutor
{
    private const int Writers = 4;
    private static readonly TimeSpan StatementTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SamplingInterval = TimeSpan.FromMilliseconds(60);

    public static async Task<RunResult> RunAsync(ChaosRun run)
    {
        var lost = 0;
        var probe = new WriteAttemptProbe(run.Environment, run.Clock);
        run.Transcript.Note($"run {run.Index}, seed {run.Seed}, fault {run.Fault.Name}");
        try
        {
            await run.Environment.PrepareAsync(run.Cli);
            await run.Fault.PrepareAsync(run);
            var target = new WriterTarget(run.Environment.Definition.Engine, run.Environment.Nodes, run.Environment.ConnectAsync, ChaosEnvironment.WritesTable)
            {
                RetryDelay = TimeSpan.FromMilliseconds(25),
            };
            run.Writer = new AcknowledgedWriter(target, Writers, StatementTimeout, run.Clock);
            run.Sampler = new SamplingRounds(run.Environment.Nodes, probe.AcceptsAsync, SamplingInterval, run.Clock);
            var steady = await Eventually.HoldsAsync(() => Task.FromResult(run.Writer.Count >= 50 && run.Sampler.CompleteRounds >= 3), TimeSpan.FromSeconds(30));
            run.Expect(steady, $"the writers and the sampler got going ({run.Writer.Count} acknowledged writes, {run.Sampler.Summary})");
            if (steady)
            {
                await run.DelayAsync(0.2, 2.0);
                await run.Fault.ExerciseAsync(run);
                lost = await RunChecks.AfterRecoveryAsync(run);
            }
        }
        catch (ChaosSetupException e)
        {
            run.SetupFailed = true;
            run.Expect(false, $"the environment was brought up ({e.Message})");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            run.Expect(false, $"the run went on to its end (it stopped with {e.GetType().Name}: {e.Message})");
            run.Transcript.Block("exception", e.ToString());
        }
        finally
        {
            await StopEverythingAsync(run, probe);
        }

        return new RunResult(
            run.Fault.Name,
            run.Passed,
            run.Writer?.Count ?? 0,
            lost,
            run.Sampler?.SplitRounds.Count ?? 0,
            Durations(run, failover: true),
            Durations(run, failover: false),
            run.Clock.Elapsed)
        {
            FailoverCommands = Durations(run, failover: true, fromCommand: true),
            Step = run.Landed?.Step,
        };
    }

    private static async Task StopEverythingAsync(ChaosRun run, WriteAttemptProbe probe)
    {
        foreach (var node in run.Environment.Nodes)
        {
            try
            {
                var resumed = await run.Faults.ResumeAsync(node);
                run.Transcript.Note($"after the run, '{node}': {resumed}");
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or Processes.ProcessFailedException)
            {
                run.Transcript.Note($"after the run, '{node}' could not be thawed: {e.Message}");
            }
        }

        if (run.Writer is not null)
        {
            await run.Writer.DisposeAsync();
        }

        if (run.Sampler is not null)
        {
            await run.Sampler.DisposeAsync();
        }

        await probe.CloseAsync();
    }

    /// <summary>From each timed primary change's start (or its command's, where one is known) to the first write its new primary acknowledged after it.</summary>
    private static List<TimeSpan> Durations(ChaosRun run, bool failover, bool fromCommand = false)
    {
        var acknowledged = run.Writer?.Acknowledged ?? [];
        return run.Timings.Where(t => t.Failover == failover && (!fromCommand || t.CommandFrom is not null))
            .Select(t => fromCommand ? t with { From = t.CommandFrom!.Value } : t)
            .Select(t => acknowledged.FirstOrDefault(a => a.Node == t.NewPrimary && a.At >= t.From) is { } first ? first.At - t.From : (TimeSpan?)null)
            .OfType<TimeSpan>()
            .ToList();
    }

    public static string Progress(ChaosRun run, RunResult result, int runs) => string.Create(CultureInfo.InvariantCulture,
        $"run {run.Index}/{runs} seed {run.Seed} {run.Fault.Name}{(run.Landed is { } l ? $" at {l.At.TotalSeconds:0.0}s" : "")}{(run.Landed?.Step is { } step ? $" ({step})" : "")}: {(result.Passed ? "ok" : "FAILED")} " +
        $"(acknowledged {result.Acknowledged}, lost {result.Lost}, split-brain rounds {result.SplitRounds}, {run.Sampler?.CompleteRounds ?? 0} complete sampling rounds" +
        $"{string.Concat(result.Failovers.Select(f => $", failover {f.TotalSeconds:0.00}s"))}{string.Concat(result.Switchovers.Select(s => $", switchover {s.TotalSeconds:0.00}s"))}) in {result.Duration.TotalSeconds:0.0}s");
}
