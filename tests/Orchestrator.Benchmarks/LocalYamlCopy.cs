using System.Globalization;

namespace Orchestrator.Benchmarks;

/// <summary>environments/local.yaml copied into a work folder, on free ports, with its migrations project found from there.</summary>
internal static class LocalYamlCopy
{
    /// <summary>Creates a work folder the servers' user can enter, writes the copy into it and returns both.</summary>
    public static (string Work, string File) Write(string repositoryRoot, string prefix)
    {
        var work = Directory.CreateTempSubdirectory(prefix).FullName;
        File.SetUnixFileMode(work, (UnixFileMode)Convert.ToInt32("755", 8));
        var ports = FreePorts.Take(3);
        var yaml = File.ReadAllText(Path.Combine(repositoryRoot, "environments", "local.yaml"))
            .Replace("55432", ports[0].ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("55433", ports[1].ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("55434", ports[2].ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("../migrations", Path.Combine(repositoryRoot, "migrations"), StringComparison.Ordinal);
        var file = Path.Combine(work, "local.yaml");
        File.WriteAllText(file, yaml);
        return (work, file);
    }
}
