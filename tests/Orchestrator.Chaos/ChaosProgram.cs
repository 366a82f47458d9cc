using System.Globalization;
using System.Runtime.InteropServices;
using Orchestrator.Chaos.Faults;
using Orchestrator.TestSupport;

namespace Orchestrator.Chaos;

/// <summary>
/// The fault campaign: N runs on one environment of the chosen engine and provider, each with a
/// seed derived from the campaign's seed and a fault from a seeded shuffle of the chosen faults
/// (so every fault comes round). One progress line per run on stderr, a transcript file per
/// failed run, and the summary as the last line on stdout.
/// </summary>
public static class ChaosProgram
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (options, error) = ChaosOptions.Parse(args);
        if (options is null)
        {
            var help = string.Format(CultureInfo.InvariantCulture, ChaosOptions.Help, string.Join(", ", Fault.All.Select(f => f.Name)));
            if (error is null)
            {
                Console.WriteLine(help);
                return 0;
            }

            await Console.Error.WriteLineAsync($"error: {error}\n\n{help}");
            return 2;
        }

        var root = RepositoryRoot.Find();
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
        var transcripts = options.TranscriptDir ?? Path.Combine(root, "artifacts", "chaos");
        await Console.Error.WriteLineAsync($"chaos: {options.EngineName} on {options.ProviderName}, {options.Runs} runs, seed {options.Seed}, faults {string.Join(", ", options.Faults.Select(f => f.Name))}");

        // Ctrl+C and SIGTERM end the run under way and let the environment be purged.
        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        var campaign = new Random(options.Seed);
        var order = options.Faults.OrderBy(_ => campaign.Next()).ToList();
        var results = new List<RunResult>();
        ChaosEnvironment written;
        try
        {
            written = ChaosEnvironment.Write(options, root, configuration);
            await Console.Error.WriteLineAsync($"chaos: the command line is {Path.GetRelativePath(root, written.CliDll)}");
        }
        catch (ChaosSetupException e)
        {
            await Console.Error.WriteLineAsync($"chaos: no run can start: {e.Message}");
            Console.WriteLine(CampaignSummary.Line(results, options.Faults));
            return 1;
        }

        await using (var environment = written)
        {
            for (var index = 1; index <= options.Runs && !stop.IsCancellationRequested; index++)
            {
                var seed = campaign.Next();
                if (options.OnlyRun is { } only && only != index)
                {
                    continue;
                }

                var run = new ChaosRun(index, seed, order[(index - 1) % order.Count], environment);
                var running = RunExecutor.RunAsync(run);
                if (await Task.WhenAny(running, Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default)) != running)
                {
                    await Console.Error.WriteLineAsync("chaos: interrupted; finishing the run under way and purging the environment");
                }

                var result = await running;
                results.Add(result);
                await Console.Error.WriteLineAsync(RunExecutor.Progress(run, result, options.Runs));
                if (!result.Passed || options.KeepAllTranscripts)
                {
                    var file = await WriteTranscriptAsync(transcripts, options, run);
                    await Console.Error.WriteLineAsync($"  transcript: {file}");
                }

                if (!result.Passed)
                {
                    if (run.SetupFailed)
                    {
                        await Console.Error.WriteLineAsync("chaos: the environment could not be brought up; no further run can start");
                        break;
                    }
                }
            }
        }

        foreach (var line in CampaignSummary.StepCoverage(results))
        {
            Console.WriteLine(line);
        }

        Console.WriteLine(CampaignSummary.Line(results, options.Faults));
        return results.Count > 0 && results.All(r => r.Passed) && !stop.IsCancellationRequested ? 0 : 1;
    }

    private static async Task<string> WriteTranscriptAsync(string directory, ChaosOptions options, ChaosRun run)
    {
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, $"{options.EngineName}-{options.ProviderName}-seed{options.Seed}-run{run.Index}-{run.Fault.Name}.txt");
        var failed = run.Checks.Where(c => !c.Passed).Select(c => $"  - {c.What}");
        var header = string.Create(CultureInfo.InvariantCulture, $"""
            chaos run {run.Index}: engine {options.EngineName}, provider {options.ProviderName}, fault {run.Fault.Name}
            campaign seed {options.Seed}, run seed {run.Seed}; replay with: --engine {options.EngineName} --provider {options.ProviderName} --seed {options.Seed} --runs {options.Runs} --only-run {run.Index}{(options.Faults.Count < Fault.All.Count ? $" --fault {string.Join(',', options.Faults.Select(f => f.Name))}" : "")}
            fault moment: {(run.Landed is { } l ? $"{l.At.TotalSeconds:0.000}s into the run: {l.Evidence}" : "the fault never landed")}
            sampler: {run.Sampler?.Summary ?? "never started"}
            {(run.Passed ? "every check passed" : "failed checks:")}
            {string.Join('\n', failed)}

            """);
        await File.WriteAllTextAsync(file, header + await ServerLogs.TailsAsync(run.Environment) + "\ntranscript:\n" + run.Transcript);
        return file;
    }
}
