using System.Reflection;
using System.Runtime.Loader;

namespace Orchestrator.Migrations.Loading;

/// <summary>
/// Loads a migrations assembly and its own dependencies from its build output, but takes every
/// assembly this tool ships (FluentMigrator, the database drivers, Microsoft.Extensions) from the
/// tool itself: the migrations and the runner must share FluentMigrator's types, and code in
/// Execute.WithConnection must get the very connection types the tool opens.
/// </summary>
internal sealed class MigrationLoadContext(string path) : AssemblyLoadContext($"migrations:{path}")
{
    private static readonly HashSet<string> Shipped = ShippedAssemblies();
    private readonly AssemblyDependencyResolver _resolver = new(path);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is { } name && Shipped.Contains(name))
        {
            return null;
        }

        // What the tool does not ship comes from the migrations' own folder or nowhere: falling back
        // to the host's resolvers could find a copy some other load left in the process.
        return _resolver.ResolveAssemblyToPath(assemblyName) is { } resolved
            ? LoadFromAssemblyPath(resolved)
            : throw new FileNotFoundException($"'{assemblyName.Name}' is not beside {path}", assemblyName.FullName);
    }

    protected override nint LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } resolved ? LoadUnmanagedDllFromPath(resolved) : 0;

    /// <summary>The assemblies of the tool's own deployment (its deps.json) and of the framework: the trusted platform assemblies.</summary>
    private static HashSet<string> ShippedAssemblies() =>
        ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
}
