using System.Diagnostics;
using System.Globalization;
using Orchestrator.Chaos.Faults;
using Orchestrator.TestSupport;

namespace Orchestrator.Chaos;

/// <summary>
/// One run of the campaign as a fault sees it: its seeded randomness, the environment and the
/// command line, the writers and the sampler once they run, and what the run expects, records
/// and times. Everything it does lands in its transcript.
/// </summary>
internal sealed class ChaosRun
{
    private readonly List<Check> _checks = [];
    private readonly List<RoleChangeTiming> _timings = [];

    public ChaosRun(int index, int seed, Fault fault, ChaosEnvironment environment)
    {
        Index = index;
        Seed = seed;
        Fault = fault;
        Environment = environment;
        Random = new Random(seed);
        Transcript = new RunTranscript(Clock);
        Cli = new ChaosCli(environment.CliDll, environment.WorkDir, Clock, Transcript);
    }

    /// <summary>A check of the run: what was expected, and whether it held.</summary>
    public sealed record Check(bool Passed, string What);

    /// <summary>A primary change to time: from <see cref="From"/> (the command's start, or the fault) to the first write <see cref="NewPrimary"/> acknowledged after it.</summary>
    /// <param name="CommandFrom">When the command that made <paramref name="NewPrimary"/> the primary started (a failover's target is timed from it too).</param>
    public sealed record RoleChangeTiming(bool Failover, TimeSpan From, string NewPrimary, TimeSpan? CommandFrom = null);

    /// <summary>When the fault took hold, what it was, and what the writers and the sampler had done by then.</summary>
    /// <param name="Step">For a fault that struck a command: where in its work (see <see cref="Faults.StrikeDuringCommand.Hit.Step"/>).</param>
    public sealed record Landing(TimeSpan At, string Evidence, int AcknowledgedBefore, int CompleteRoundsBefore, string? Step);

    public int Index { get; }

    public int Seed { get; }

    public Fault Fault { get; }

    public ChaosEnvironment Environment { get; }

    public Random Random { get; }

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public RunTranscript Transcript { get; }

    public ChaosCli Cli { get; }

    public INodeFaults Faults => Environment.Faults;

    public string File => Environment.File;

    /// <summary>The primary when the run began (the file's, since each run starts from its shape).</summary>
    public string Primary => Environment.Definition.Primary.Name;

    public IReadOnlyList<string> Replicas => Environment.Definition.Replicas.Select(r => r.Name).ToList();

    public AcknowledgedWriter? Writer { get; set; }

    public SamplingRounds? Sampler { get; set; }

    public Landing? Landed { get; private set; }

    /// <summary>The environment could not be brought up: the campaign cannot go on.</summary>
    public bool SetupFailed { get; set; }

    public IReadOnlyList<Check> Checks => _checks;

    public IReadOnlyList<RoleChangeTiming> Timings => _timings;

    public bool Passed => _checks.Count > 0 && _checks.All(c => c.Passed);

    public void Expect(bool passed, string what)
    {
        _checks.Add(new Check(passed, what));
        Transcript.Note($"{(passed ? "ok" : "FAILED")}: {what}");
    }

    /// <summary>Records that the fault took hold now, with what proves it.</summary>
    public void Land(string evidence, string? step = null)
    {
        Landed = new Landing(Clock.Elapsed, evidence, Writer?.Count ?? 0, Sampler?.CompleteRounds ?? 0, step);
        Transcript.Note(string.Create(CultureInfo.InvariantCulture, $"FAULT {Fault.Name} landed: {evidence}{(step is null ? "" : $", {step}")} ({Landed.AcknowledgedBefore} writes acknowledged and {Landed.CompleteRoundsBefore} complete sampling rounds before it)"));
    }

    public void Time(bool failover, TimeSpan from, string newPrimary, TimeSpan? commandFrom = null) => _timings.Add(new RoleChangeTiming(failover, from, newPrimary, commandFrom));

    public TimeSpan RandomBetween(double minSeconds, double maxSeconds) =>
        TimeSpan.FromSeconds(minSeconds + (Random.NextDouble() * Math.Max(0, maxSeconds - minSeconds)));

    public Task DelayAsync(double minSeconds, double maxSeconds)
    {
        var delay = RandomBetween(minSeconds, maxSeconds);
        Transcript.Note(string.Create(CultureInfo.InvariantCulture, $"waiting {delay.TotalSeconds:0.000}s"));
        return Task.Delay(delay);
    }

    public string PickReplica() => Replicas[Random.Next(Replicas.Count)];

    /// <summary>Runs a role change with --json and expects it to succeed; its outcome, or null when it printed none.</summary>
    public async Task<(CommandResult Result, RoleChangeJson? Outcome)> RoleChangeAsync(params string[] arguments)
    {
        var result = await Cli.RunAsync([.. arguments, "-e", File, "--json"]);
        var outcome = RoleChangeJson.Parse(result);
        Expect(result.ExitCode == 0 && outcome is { Succeeded: true }, $"'{result.Display}' succeeded (exit {result.ExitCode}; {outcome?.ToString() ?? "no outcome printed"})");
        return (result, outcome);
    }
}
