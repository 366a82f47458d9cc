using System.CommandLine;
using Orchestrator.Shards;

namespace Orchestrator.Cli;

/// <summary>
/// The options of migrate, rollback and plan, which run on every shard of a sharded environment:
/// the environment, its state directory, the shards and the bound; for a rollout, also the
/// failure policy and the canaries.
/// </summary>
internal sealed class FleetOptions
{
    public FleetOptions(bool rollout)
    {
        OnFailure = rollout ? CommonOptions.OnFailure() : null;
        Canary = rollout ? CommonOptions.Canary() : null;
    }

    public Option<FileInfo> Environment { get; } = CommonOptions.Environment();

    public Option<DirectoryInfo?> StateDir { get; } = CommonOptions.StateDir();

    public Option<string[]> Shards { get; } = CommonOptions.Shards();

    public Option<int?> Parallel { get; } = CommonOptions.Parallel();

    public Option<string>? OnFailure { get; }

    public Option<int>? Canary { get; }

    /// <summary>Adds the options ahead of the command's own, so -e leads its help as in every other command.</summary>
    public void AddTo(Command command)
    {
        var at = 0;
        foreach (var option in new Option?[] { Environment, StateDir, Shards, Parallel, OnFailure, Canary }.OfType<Option>())
        {
            command.Options.Insert(at++, option);
        }
    }

    /// <summary>The options given on the command line that only a sharded environment uses (--parallel, --on-failure, --canary).</summary>
    public IReadOnlyList<string> ShardOnlyGiven(ParseResult parse) =>
        new Option?[] { Parallel, OnFailure, Canary }.OfType<Option>()
            .Where(option => parse.GetResult(option) is { Implicit: false })
            .Select(option => option.Name)
            .ToList();

    public RolloutOptions Rollout(ParseResult parse, int parallel) => new(
        parallel,
        OnFailure is not null && parse.GetValue(OnFailure) == "continue" ? FailurePolicy.Continue : FailurePolicy.Stop,
        Canary is null ? 0 : parse.GetValue(Canary));
}
