using System.CommandLine;

namespace Orchestrator.Cli;

/// <summary>Options shared by several verbs, created fresh per command so each owns its own instance.</summary>
internal static class CommonOptions
{
    public static Option<FileInfo> Environment() => new("--environment", "-e")
    {
        Description = "The environment file (YAML) to act on, for example environments/local.yaml.",
        Required = true,
    };

    public static Option<DirectoryInfo?> StateDir() => new("--state-dir")
    {
        Description = "Where a local environment keeps its data, logs and generated secrets (default: $ORCHESTRATOR_STATE_DIR/<name>/ when that variable is set, else .orchestrator/<name>/ under the current directory).",
    };

    public static Option<long?> To(string description, bool required = false)
    {
        var option = new Option<long?>("--to")
        {
            Description = description,
            Required = required,
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<long?>() is < 0)
            {
                result.AddError($"--to {result.GetValueOrDefault<long?>()} is not a migration version; versions are 0 or more");
            }
        });
        return option;
    }

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print machine-readable JSON instead of a table.",
    };

    /// <summary>For commands that act on one primary and its replicas: which shard of a sharded environment.</summary>
    public static Option<string[]> OneShard() => new("--shard")
    {
        Description = "In a sharded environment: the shard to act on (this command works on one primary and its replicas).",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>For commands that act on every shard: a selection, repeatable.</summary>
    public static Option<string[]> Shards() => new("--shard")
    {
        Description = "In a sharded environment: act on this shard only; repeat for several (default: every shard).",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<int?> Parallel()
    {
        var option = new Option<int?>("--parallel")
        {
            Description = $"In a sharded environment: how many shards are worked on at once (default {Orchestrator.Shards.RolloutOptions.DefaultParallel}, twice the cores, at most 16).",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError($"--parallel {result.GetValueOrDefault<int?>()} must be at least 1");
            }
        });
        return option;
    }

    public static Option<string> OnFailure()
    {
        var option = new Option<string>("--on-failure")
        {
            Description = "In a sharded environment, when a shard fails: stop (no other shard starts; running ones stop before their next migration) or continue (every shard runs).",
            DefaultValueFactory = _ => "stop",
        };
        option.AcceptOnlyFromAmong("stop", "continue");
        return option;
    }

    public static Option<int> Canary()
    {
        var option = new Option<int>("--canary")
        {
            Description = "In a sharded environment: run on the first N shards first, and on the rest only if all N succeed.",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError($"--canary {result.GetValueOrDefault<int>()} must be 0 or more shards");
            }
        });
        return option;
    }
}
