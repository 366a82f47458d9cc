using System.Text.Json;
using Orchestrator.Processes;

namespace Orchestrator.Migrations.Loading;

/// <summary>
/// Builds a migrations project with <c>dotnet build</c> and returns its assembly. The result is
/// remembered in the project's obj/ folder under a hash of the build's inputs, so commands that
/// only read (status, plan) do not pay for a build check when nothing changed.
/// </summary>
internal static class ProjectBuild
{
    private const string CacheFile = "orchestrator-build.json";

    public static async Task<string> BuildAsync(string project, CancellationToken cancellationToken)
    {
        if (!File.Exists(project))
        {
            throw new MigrationDefinitionException($"migrations project '{project}' does not exist; fix migrations.project");
        }

        var inputs = BuildInputs.Hash(project);
        var cache = Path.Combine(Path.GetDirectoryName(project)!, "obj", CacheFile);
        if (ReadCache(cache) is { } cached && cached.Inputs == inputs && File.Exists(cached.TargetPath))
        {
            return cached.TargetPath;
        }

        var target = await RunBuildAsync(project, cancellationToken);
        WriteCache(cache, new CachedBuild(inputs, target));
        return target;
    }

    private static async Task<string> RunBuildAsync(string project, CancellationToken cancellationToken)
    {
        // -getProperty alone only evaluates the project; with -getTargetResult:Build it builds
        // first and prints both as JSON.
        var build = await ProcessRunner.RunAsync(
            new ProcessSpec("dotnet", ["build", project, "-c", "Release", "-nologo", "-v", "q", "-getProperty:TargetPath", "-getTargetResult:Build"]) { Timeout = TimeSpan.FromMinutes(10) },
            cancellationToken);
        var output = build.StandardOutput;
        var json = output.IndexOf('{', StringComparison.Ordinal);
        if (build.ExitCode == 0 && json >= 0)
        {
            using var document = JsonDocument.Parse(output[json..]);
            if (document.RootElement.GetProperty("Properties").GetProperty("TargetPath").GetString() is { Length: > 0 } path)
            {
                return path;
            }
        }

        var errors = (output + "\n" + build.StandardError).Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase) && !l.StartsWith('"'))
            .Distinct()
            .Take(10)
            .ToList();
        throw new MigrationDefinitionException(
            $"migrations project '{project}' does not build:\n{(errors.Count > 0 ? string.Join('\n', errors) : (output + build.StandardError).Trim())}\nFix the errors (dotnet build {project}), then run the command again.");
    }

    private static CachedBuild? ReadCache(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<CachedBuild>(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>A cache that cannot be written only costs the next command a build check.</summary>
    private static void WriteCache(string path, CachedBuild build)
    {
        try
        {
            File.WriteAllText(path, JsonSerializer.Serialize(build));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private sealed record CachedBuild(string Inputs, string TargetPath);
}
