using System.Reflection;
using System.Text.Json;
using System.Runtime.Loader;
using Orchestrator.Environments;
using Orchestrator.Processes;

namespace Orchestrator.Migrations.Loading;

/// <summary>
/// Loads the migrations an environment names: a built assembly, or a project that is built
/// first with <c>dotnet build</c>. The migrations share this tool's Orchestrator assembly.
/// </summary>
public static class MigrationAssemblyLoader
{
    public static async Task<Assembly> LoadAsync(EnvironmentDefinition environment, CancellationToken cancellationToken)
    {
        var definition = environment.Migrations
            ?? throw new MigrationDefinitionException($"environment '{environment.Name}' has no 'migrations' section; add migrations.project or migrations.assembly");
        var path = definition.Assembly ?? await BuildAsync(definition.Project!, cancellationToken);
        if (!File.Exists(path))
        {
            throw new MigrationDefinitionException($"migrations assembly '{path}' does not exist; build it or fix migrations.assembly");
        }

        try
        {
            return new MigrationLoadContext(path).LoadFromAssemblyPath(path);
        }
        catch (BadImageFormatException e)
        {
            throw new MigrationDefinitionException($"'{path}' is not a .NET assembly: {e.Message}");
        }
    }

    private static async Task<string> BuildAsync(string project, CancellationToken cancellationToken)
    {
        if (!File.Exists(project))
        {
            throw new MigrationDefinitionException($"migrations project '{project}' does not exist; fix migrations.project");
        }

        // -getProperty alone only evaluates the project; with -getTargetResult:Build it builds
        // first and prints both as JSON.
        var build = await ProcessRunner.RunAsync(
            new ProcessSpec("dotnet", ["build", project, "-c", "Release", "-nologo", "-v", "q", "-getProperty:TargetPath", "-getTargetResult:Build"]) { Timeout = TimeSpan.FromMinutes(5) },
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
            .Take(10);
        throw new MigrationDefinitionException($"migrations project '{project}' does not build:\n{string.Join('\n', errors)}");
    }

    private sealed class MigrationLoadContext(string path) : AssemblyLoadContext($"migrations:{path}")
    {
        private readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            // The authoring API must be the very one this tool runs, or no migration type would match.
            if (assemblyName.Name == typeof(Migration).Assembly.GetName().Name)
            {
                return null;
            }

            var resolved = _resolver.ResolveAssemblyToPath(assemblyName);
            return resolved is null ? null : LoadFromAssemblyPath(resolved);
        }
    }
}
