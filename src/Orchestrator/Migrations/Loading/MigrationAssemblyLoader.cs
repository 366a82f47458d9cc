using System.Reflection;
using Orchestrator.Environments;

namespace Orchestrator.Migrations.Loading;

/// <summary>
/// Loads the FluentMigrator migrations an environment names: a built assembly, or a project that
/// is built first (only when its inputs changed since the last build). Every way this can go
/// wrong is a <see cref="MigrationDefinitionException"/> naming the assembly and what to do.
/// </summary>
internal static class MigrationAssemblyLoader
{
    private static readonly string[] FluentMigratorCore = ["FluentMigrator", "FluentMigrator.Abstractions", "FluentMigrator.Runner.Core"];

    /// <summary>The FluentMigrator version this tool runs; an assembly must be built against the same major version.</summary>
    public static Version ToolFluentMigratorVersion { get; } = typeof(FluentMigrator.Migration).Assembly.GetName().Version!;

    public static async Task<(Assembly Assembly, string Path)> LoadAsync(EnvironmentDefinition environment, CancellationToken cancellationToken)
    {
        var definition = environment.Migrations
            ?? throw new MigrationDefinitionException($"environment '{environment.Name}' has no 'migrations' section; add migrations.project or migrations.assembly");
        var path = definition.Assembly ?? await ProjectBuild.BuildAsync(definition.Project!, cancellationToken);
        return (Load(path), path);
    }

    public static Assembly Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new MigrationDefinitionException($"migrations assembly '{path}' does not exist; build it or fix migrations.assembly");
        }

        Assembly assembly;
        try
        {
            assembly = new MigrationLoadContext(path).LoadFromAssemblyPath(path);
        }
        catch (BadImageFormatException e)
        {
            throw new MigrationDefinitionException($"'{path}' is not a .NET assembly: {e.Message}");
        }

        CheckFluentMigratorReference(assembly, path);
        CheckTypesLoad(assembly, path);
        return assembly;
    }

    private static void CheckFluentMigratorReference(Assembly assembly, string path)
    {
        // FluentMigrator itself first: an old FluentMigrator may have restored a newer Abstractions
        // (the version it asked for not being served), and the user knows the package they chose.
        var references = assembly.GetReferencedAssemblies()
            .Where(r => FluentMigratorCore.Contains(r.Name, StringComparer.OrdinalIgnoreCase))
            .OrderBy(r => Array.FindIndex(FluentMigratorCore, name => string.Equals(name, r.Name, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        if (references.Count == 0)
        {
            throw new MigrationDefinitionException(
                $"'{path}' does not reference FluentMigrator, so it holds no migrations this tool can run; reference the FluentMigrator {ToolFluentMigratorVersion.Major}.x package and derive migrations from FluentMigrator.Migration");
        }

        if (references.FirstOrDefault(r => r.Version is { } v && v.Major != ToolFluentMigratorVersion.Major) is { } other)
        {
            throw new MigrationDefinitionException(
                $"'{path}' is built against FluentMigrator {other.Version!.ToString(3)}, but this tool runs FluentMigrator {ToolFluentMigratorVersion.ToString(3)}; " +
                $"update the project's FluentMigrator packages to {ToolFluentMigratorVersion.Major}.x and build it again");
        }
    }

    /// <summary>A dependency missing from the build output shows up when the types are read; say which one.</summary>
    private static void CheckTypesLoad(Assembly assembly, string path)
    {
        try
        {
            _ = assembly.GetExportedTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            throw Missing(path, e.LoaderExceptions.OfType<Exception>().FirstOrDefault() ?? e);
        }
        catch (FileNotFoundException e)
        {
            throw Missing(path, e);
        }
        catch (FileLoadException e)
        {
            throw Missing(path, e);
        }
    }

    private static MigrationDefinitionException Missing(string path, Exception cause)
    {
        var name = cause is FileNotFoundException { FileName: { } file } ? file : cause is FileLoadException { FileName: { } loaded } ? loaded : null;
        return new MigrationDefinitionException(name is null
            ? $"cannot load the migrations in '{path}': {cause.Message}"
            : $"cannot load the migrations in '{path}': it needs '{name}', which is not in {Path.GetDirectoryName(path)}; build the project (its output folder holds its dependencies) or copy the missing DLL there");
    }
}
