using Orchestrator.Environments;
using Orchestrator.Local;

namespace Orchestrator.Engines.MariaDb;

/// <summary>Finds mariadbd, mariadb-install-db, mariadb-dump and the mariadb client.</summary>
internal sealed class MariaDbBinaries
{
    private static readonly string[] Programs = ["mariadbd", "mariadb-install-db", "mariadb-dump", "mariadb"];
    private readonly Dictionary<string, string> _paths;

    private MariaDbBinaries(Dictionary<string, string> paths) => _paths = paths;

    public string Path(string program) => _paths[program];

    public static MariaDbBinaries Locate(LocalSettings settings)
    {
        var directories = settings.MariaDbBinDir is { } configured
            ? [configured]
            : new[] { "/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin" }.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')).ToArray();
        var paths = new Dictionary<string, string>();
        foreach (var program in Programs)
        {
            var found = directories.Select(d => System.IO.Path.Combine(d, program)).FirstOrDefault(File.Exists);
            if (found is null)
            {
                throw new LocalProviderException(
                    $"the MariaDB program '{program}' was not found in {string.Join(", ", directories.Distinct().Take(4))} or the PATH. " +
                    "Install it (Debian: apt-get install mariadb-server) or set local.mariadb_bin_dir in the environment file.");
            }

            paths[program] = found;
        }

        return new MariaDbBinaries(paths);
    }
}
