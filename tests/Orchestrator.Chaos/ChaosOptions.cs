using System.Globalization;
using Orchestrator.Chaos.Faults;
using Orchestrator.Environments;

namespace Orchestrator.Chaos;

/// <summary>The command line of the fault campaign, parsed; <see cref="Parse"/> names the first bad argument.</summary>
internal sealed record ChaosOptions(
    EngineKind Engine,
    ProviderKind Provider,
    int Runs,
    int Seed,
    IReadOnlyList<Fault> Faults,
    string? TranscriptDir,
    bool KeepAllTranscripts,
    int? OnlyRun)
{
    public const string Help = """
        Orchestrator.Chaos: a fault campaign against a primary, replica-1 (sync) and replica-2 (async).
        Each run writes through several clients and samples every node for writability, injects one
        fault at a random moment, recovers as an operator would (the command line, as a child
        process), and checks that no acknowledged write was lost and no two nodes took writes at once.

        Options:
          --engine postgres|mariadb   the engine (default postgres)
          --provider local|docker     where the servers run (default local)
          --runs N                    how many runs (default 5)
          --seed S                    the campaign's seed (default: from the clock, printed)
          --fault NAME                a fault to draw from, repeatable or comma-separated (default: every
                                      fault the provider supports): {0}
          --only-run K                run only the campaign's run K (1-based), to replay a failed run
          --transcript DIR            where failed runs' transcripts go (default artifacts/chaos)
          --keep-transcripts          write every run's transcript, not only failed runs'
          --help                      this text

        Progress goes to stderr, one line per run. The last line on stdout is the summary:
          runs N, faults {{name: count, ...}}, acknowledged A, lost L, split-brain rounds B,
          failover p50/p95/max x/y/z s, switchover p50/p95/max x/y/z s
        Exit code: 0 when every run's checks passed, 1 otherwise, 2 for bad arguments.
        """;

    /// <summary>The options, or the reason they are wrong (null options), or neither when help was asked for.</summary>
    public static (ChaosOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var engine = EngineKind.Postgres;
        var provider = ProviderKind.Local;
        var runs = 5;
        var seed = Environment.TickCount & int.MaxValue;
        var faults = new List<Fault>();
        string? transcripts = null;
        int? onlyRun = null;
        var keepAll = false;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h")
            {
                return (null, null);
            }

            if (name == "--keep-transcripts")
            {
                keepAll = true;
                continue;
            }

            if (i + 1 >= args.Count)
            {
                return (null, $"{name} needs a value, or is not an option");
            }

            var value = args[++i];
            switch (name)
            {
                case "--engine" when value is "postgres" or "mariadb":
                    engine = value == "postgres" ? EngineKind.Postgres : EngineKind.MariaDb;
                    break;
                case "--provider" when value is "local" or "docker":
                    provider = value == "local" ? ProviderKind.Local : ProviderKind.Docker;
                    break;
                case "--runs" when int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n > 0:
                    runs = n;
                    break;
                case "--seed" when int.TryParse(value, CultureInfo.InvariantCulture, out var s) && s >= 0:
                    seed = s;
                    break;
                case "--only-run" when int.TryParse(value, CultureInfo.InvariantCulture, out var k) && k > 0:
                    onlyRun = k;
                    break;
                case "--transcript":
                    transcripts = value;
                    break;
                case "--fault":
                    foreach (var fault in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        var known = Fault.All.FirstOrDefault(f => f.Name == fault);
                        if (known is null)
                        {
                            return (null, $"unknown fault '{fault}'; the faults are {string.Join(", ", Fault.All.Select(f => f.Name))}");
                        }

                        faults.Add(known);
                    }

                    break;
                default:
                    return (null, $"bad option or value: {name} {value}");
            }
        }

        var unsupported = faults.FirstOrDefault(f => !f.AppliesTo(provider));
        if (unsupported is not null)
        {
            return (null, $"fault '{unsupported.Name}' needs provider docker");
        }

        if (onlyRun > runs)
        {
            runs = onlyRun.Value;
        }

        var chosen = faults.Count > 0 ? faults.Distinct().ToList() : Fault.All.Where(f => f.AppliesTo(provider) && f.DrawnByDefault(engine)).ToList();
        return (new ChaosOptions(engine, provider, runs, seed, chosen, transcripts, keepAll, onlyRun), null);
    }

    public string EngineName => Engine == EngineKind.Postgres ? "postgres" : "mariadb";

    public string ProviderName => Provider == ProviderKind.Local ? "local" : "docker";
}
