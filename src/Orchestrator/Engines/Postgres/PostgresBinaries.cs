using Orchestrator.Environments;
using Orchestrator.Processes;

namespace Orchestrator.Engines.Postgres;

/// <summary>
/// Finds the PostgreSQL server programs: the environment's <c>local.postgres_bin_dir</c>,
/// else <c>pg_config --bindir</c>, else Debian's /usr/lib/postgresql/15/bin.
/// </summary>
internal sealed class PostgresBinaries(string directory)
{
    private static readonly string[] Required = ["initdb", "pg_ctl", "pg_basebackup", "postgres"];

    /// <summary>Where Debian-based images keep them (the official postgres:15 image and those built from postgresql-15).</summary>
    public static PostgresBinaries InImage { get; } = new("/usr/lib/postgresql/15/bin");

    public string Directory { get; } = directory;

    public string Path(string program) => System.IO.Path.Combine(Directory, program);

    public static async Task<PostgresBinaries> LocateAsync(LocalSettings settings, CancellationToken cancellationToken)
    {
        var candidates = new List<string>();
        if (settings.PostgresBinDir is not null)
        {
            candidates.Add(settings.PostgresBinDir);
        }
        else
        {
            try
            {
                var result = await ProcessRunner.RunAsync(new ProcessSpec("pg_config", ["--bindir"]), cancellationToken);
                if (result.ExitCode == 0)
                {
                    candidates.Add(result.StandardOutput.Trim());
                }
            }
            catch (ProcessFailedException)
            {
                // No pg_config on the PATH: fall back to Debian's layout below.
            }

            candidates.Add("/usr/lib/postgresql/15/bin");
        }

        foreach (var candidate in candidates)
        {
            if (Required.All(p => File.Exists(System.IO.Path.Combine(candidate, p))))
            {
                return new PostgresBinaries(candidate);
            }
        }

        throw new LocalProviderException(
            $"PostgreSQL server programs ({string.Join(", ", Required)}) were not found in {string.Join(" or ", candidates)}. " +
            "Install them (Debian: apt-get install postgresql-15) or set local.postgres_bin_dir in the environment file.");
    }
}
