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

    public static Option<long?> To(string description, bool required = false) => new("--to")
    {
        Description = description,
        Required = required,
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print machine-readable JSON instead of a table.",
    };
}
