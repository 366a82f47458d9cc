using Orchestrator.Environments;

namespace Orchestrator.Engines.MariaDb;

/// <summary>
/// Finds the MariaDB programs: the server's (mariadbd, mariadb-install-db), which run on a node's
/// host, and the clients (mariadb-dump, mariadb), which the tool runs on this machine.
/// </summary>
internal sealed class MariaDbBinaries
{
    public static readonly string[] ServerPrograms = ["mariadbd", "mariadb-install-db"];
    public static readonly string[] ClientPrograms = ["mariadb-dump", "mariadb"];

    /// <summary>Where the official mariadb:10.11 image and Debian's mariadb-server package keep the server's programs.</summary>
    public static MariaDbBinaries InImage { get; } = new(
        new Dictionary<string, string> { ["mariadbd"] = "/usr/sbin/mariadbd", ["mariadb-install-db"] = "/usr/bin/mariadb-install-db" },
        ["/usr/sbin", "/usr/bin"]);

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

    /// <summary>The server's programs and the clients on this machine.</summary>
    public static MariaDbBinaries Locate(LocalSettings settings) => Locate(settings, [.. ServerPrograms, .. ClientPrograms]);

    /// <summary>The clients on this machine only (the servers run in containers).</summary>
    public static MariaDbBinaries LocateClients(LocalSettings settings) => Locate(settings, ClientPrograms);

    private static MariaDbBinaries Locate(LocalSettings settings, IReadOnlyList<string> programs)
    {
        var directories = settings.MariaDbBinDir is { } configured
            ? [configured]
            : new[] { "/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin" }.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')).ToArray();
        var paths = new Dictionary<string, string>();
        foreach (var program in programs)
        {
            var found = directories.Select(d => System.IO.Path.Combine(d, program)).FirstOrDefault(File.Exists);
            if (found is null)
            {
                throw new LocalProviderException(
                    $"the MariaDB program '{program}' was not found in {string.Join(", ", directories.Distinct().Take(4))} or the PATH. " +
                    $"Install it (Debian: apt-get install {(ServerPrograms.Contains(program) ? "mariadb-server" : "mariadb-client")}) or set local.mariadb_bin_dir in the environment file.");
            }

            paths[program] = found;
        }

        return new MariaDbBinaries(paths, directories);
    }
}
