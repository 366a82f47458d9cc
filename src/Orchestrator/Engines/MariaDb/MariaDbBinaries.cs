using Orchestrator.Environments;
using Orchestrator.Local;

namespace Orchestrator.Engines.MariaDb;

/// <summary>Finds mariadbd, mariadb-install-db, mariadb-dump and the mariadb client.</summary>
internal sealed class MariaDbBinaries
{
    private static readonly string[] Programs = ["mariadbd", "mariadb-install-db", "mariadb-dump", "mariadb"];
    private readonly Dictionary<string, string> _paths;
    private readonly IReadOnlyList<string> _directories;

    private MariaDbBinaries(Dictionary<string, string> paths, IReadOnlyList<string> directories)
    {
        _paths = paths;
        _directories = directories;
    }

    public string Path(string program) => _paths[program];

    /// <summary>A program only some features need (mariadb-backup); a clear error when it is missing.</summary>
    public string Optional(string program, string package) =>
        _directories.Select(d => System.IO.Path.Combine(d, program)).FirstOrDefault(File.Exists)
        ?? throw new LocalProviderException($"the MariaDB program '{program}' was not found in {string.Join(", ", _directories.Distinct().Take(4))} or the PATH. Install it (Debian: apt-get install {package}).");

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

        return new MariaDbBinaries(paths, directories);
    }
}
