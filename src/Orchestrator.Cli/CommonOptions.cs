using System.CommandLine;
using Orchestrator.Shards;

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
        Description = "Where a local environment keeps its data, logs and generated secrets (a docker environment its secrets and sockets) (default: $ORCHESTRATOR_STATE_DIR/<name>/ when that variable is set, else .orchestrator/<name>/ under the current directory).",
    };

    public static Option<long?> To(string description, bool required = false)
    {
        var option = new Option<long?>("--to")
        {
            Description = description,
            Required = required,
            CustomParser = result => WholeNumber(result, "--to", "a migration version, such as 202401010003", 0, long.MaxValue),
        };
        option.Validators.Add(result =>
        {
            if (Given(result) is < 0 and var version)
            {
                result.AddError($"--to {version} is not a migration version; versions are 0 or more");
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
            CustomParser = result => (int?)WholeNumber(result, "--parallel", "a number of shards", 1),
            Description = $"In a sharded environment: how many shards are worked on at once (default {RolloutOptions.DefaultParallel}, twice the cores, at most 16).",
        };
        option.Validators.Add(result =>
        {
            if (Given(result) is < 1 and var bound)
            {
                result.AddError($"--parallel {bound} must be at least 1");
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
            CustomParser = result => (int)(WholeNumber(result, "--canary", "a number of shards", 0) ?? 0),
            Description = "In a sharded environment: run on the first N shards first, and on the rest only if all N succeed.",
        };
        option.Validators.Add(result =>
        {
            if (Given(result) is < 0 and var canaries)
            {
                result.AddError($"--canary {canaries} must be 0 or more shards");
            }
        });
        return option;
    }

    /// <summary>
    /// The whole number the option was given, or null when it was not given or is not a number:
    /// the parser reports that itself, and asking it for the value would throw.
    /// </summary>
    private static long? Given(System.CommandLine.Parsing.OptionResult result) =>
        result.Tokens.Count == 1 && long.TryParse(result.Tokens[0].Value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>
    /// The option's whole number; a plain error (not the parser's, which names .NET types) for anything
    /// else, and the accepted range for a number too large to hold (a negative one its validator refuses).
    /// </summary>
    private static long? WholeNumber(System.CommandLine.Parsing.ArgumentResult result, string name, string what, long min, long max = int.MaxValue)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value) && value <= max)
        {
            return value;
        }

        var digits = text.StartsWith('-') || text.StartsWith('+') ? text[1..] : text;
        result.AddError(digits.Length > 0 && digits.All(char.IsAsciiDigit)
            ? $"{name} {text} is out of range ({min} to {max}); it takes {what}"
            : $"{name} '{text}' is not a whole number; it takes {what}");
        return null;
    }
}
