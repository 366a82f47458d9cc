using System.Reflection;
using FluentMigrator;
using FluentMigrator.Exceptions;
using FluentMigrator.Infrastructure;
using FluentMigrator.Runner;
using FluentMigrator.Runner.Conventions;
using FluentMigrator.Runner.Exceptions;
using FluentMigrator.Runner.Initialization;
using FluentMigrator.Runner.VersionTableInfo;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Environments;

namespace Orchestrator.Migrations;

/// <summary>
/// An environment's migrations as FluentMigrator's own loaders find them in the assembly: the
/// versioned migrations its tags and namespace select, the maintenance migrations of each stage,
/// the profile's migrations, the version table, and the conventions and validator every
/// migration's expressions go through. Nothing here touches a database.
/// </summary>
internal sealed class MigrationProject : IDisposable
{
    private readonly ServiceProvider _root;
    private readonly IServiceScope _scope;
    private readonly Dictionary<MigrationStage, IReadOnlyList<ProjectMigration>> _maintenance;

    private MigrationProject(
        string assemblyPath,
        ServiceProvider root,
        IServiceScope scope,
        IReadOnlyList<ProjectMigration> migrations,
        Dictionary<MigrationStage, IReadOnlyList<ProjectMigration>> maintenance,
        IReadOnlyList<ProjectMigration> profiles,
        VersionTable versionTable)
    {
        AssemblyPath = assemblyPath;
        _root = root;
        _scope = scope;
        Migrations = migrations;
        _maintenance = maintenance;
        Profiles = profiles;
        VersionTable = versionTable;
    }

    public string AssemblyPath { get; }

    public string AssemblyName => Path.GetFileName(AssemblyPath);

    /// <summary>The selected versioned migrations, in version order.</summary>
    public IReadOnlyList<ProjectMigration> Migrations { get; }

    /// <summary>The environment's profile migrations, in the assembly's order (as FluentMigrator applies them).</summary>
    public IReadOnlyList<ProjectMigration> Profiles { get; }

    public VersionTable VersionTable { get; }

    /// <summary>FluentMigrator's services for this assembly: migration contexts need them (embedded scripts, injected services).</summary>
    public IServiceProvider Services => _scope.ServiceProvider;

    public MigrationValidator Validator => Services.GetRequiredService<MigrationValidator>();

    /// <summary>
    /// Held while a migration is described: the migration objects are shared by every database the
    /// project migrates at once (shards), and FluentMigrator's Migration keeps the context of the
    /// Up() or Down() it is describing in a field.
    /// </summary>
    internal Lock DescribeGate { get; } = new();

    /// <summary>
    /// Translations that depend on nothing but the migration and the generator (no schema
    /// questions, no code run with the connection), kept for every other database this project
    /// migrates in the same run whose generator has the same settings: a fleet of shards
    /// translates each migration once per kind of database.
    /// </summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<(ProjectMigration Migration, bool Up, Type Generator, string DatabaseSettings), Translation.TranslatedMigration> Translations { get; } = new();

    public IReadOnlyList<ProjectMigration> Maintenance(MigrationStage stage) => _maintenance.TryGetValue(stage, out var list) ? list : [];

    public ProjectMigration? Find(long version) => Migrations.FirstOrDefault(m => m.Version == version);

    /// <summary>The environment's migrations: its assembly, or its project built when its inputs changed.</summary>
    public static async Task<MigrationProject> LoadAsync(EnvironmentDefinition environment, CancellationToken cancellationToken)
    {
        var (assembly, path) = await Loading.MigrationAssemblyLoader.LoadAsync(environment, cancellationToken);
        return Load(assembly, path, environment.Migrations!);
    }

    /// <summary>For readers that can do without migrations: the project, or why it could not be loaded (null, null: the environment names none).</summary>
    public static async Task<(MigrationProject? Project, string? Problem)> TryLoadAsync(EnvironmentDefinition environment, CancellationToken cancellationToken)
    {
        if (environment.Migrations is null)
        {
            return (null, null);
        }

        try
        {
            return (await LoadAsync(environment, cancellationToken), null);
        }
        catch (MigrationDefinitionException e)
        {
            return (null, e.Message);
        }
    }

    /// <summary>
    /// Where the environment's migrations record versions: their version table, or FluentMigrator's
    /// default when the environment names no migrations or they cannot be loaded now.
    /// </summary>
    public static async Task<VersionTable> VersionTableOfAsync(EnvironmentDefinition environment, CancellationToken cancellationToken)
    {
        var (project, _) = await TryLoadAsync(environment, cancellationToken);
        using (project)
        {
            return project?.VersionTable ?? VersionTable.Default;
        }
    }

    public static MigrationProject Load(Assembly assembly, string path, MigrationsDefinition definition)
    {
        CheckTags(assembly, path, definition.Tags);
        var services = new ServiceCollection()
            .AddFluentMigratorCore()
            .ConfigureRunner(runner => runner.ScanIn(assembly).For.All());
        services.Configure<RunnerOptions>(options =>
        {
            options.Tags = [.. definition.Tags];
            options.Profile = definition.Profile;
        });
        services.Configure<TypeFilterOptions>(options =>
        {
            options.Namespace = definition.Namespace;
            options.NestedNamespaces = definition.NestedNamespaces;
        });

        // Script paths (Execute.Script) are relative to the assembly's folder, where the build
        // copies them, rather than to wherever the command was started.
        var folder = Path.GetDirectoryName(path)!;
        services.AddScoped<IConventionSet>(sp => sp.GetRequiredService<IConventionSetAccessor>().GetConventionSet() ?? new DefaultConventionSet(null, folder));

        var root = services.BuildServiceProvider();
        var scope = root.CreateScope();
        try
        {
            var provider = scope.ServiceProvider;
            var migrations = LoadVersioned(provider, assembly, path, definition);
            var maintenance = Enum.GetValues<MigrationStage>().ToDictionary(
                stage => stage,
                stage => (IReadOnlyList<ProjectMigration>)Create(path, () => provider.GetRequiredService<IMaintenanceLoader>().LoadMaintenance(stage))
                    .Select(info => new ProjectMigration(info, MigrationKind.Maintenance, stage)).ToList());
            var profiles = LoadProfiles(provider, path, definition.Profile);
            var versionTable = VersionTable.From(Create(path, provider.GetRequiredService<IVersionTableMetaData>));
            return new MigrationProject(path, root, scope, migrations, maintenance, profiles, versionTable);
        }
        catch
        {
            scope.Dispose();
            root.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _scope.Dispose();
        _root.Dispose();
    }

    private static List<ProjectMigration> LoadVersioned(IServiceProvider provider, Assembly assembly, string path, MigrationsDefinition definition)
    {
        try
        {
            return Create(path, () => provider.GetRequiredService<IMigrationInformationLoader>().LoadMigrations())
                .Select(pair => new ProjectMigration(pair.Value, MigrationKind.Versioned))
                .ToList();
        }
        catch (MissingMigrationsException)
        {
            var filter = definition.Namespace is null ? "" : $" in namespace '{definition.Namespace}'{(definition.NestedNamespaces ? " (nested included)" : "")}";
            throw new MigrationDefinitionException(
                $"{Path.GetFileName(path)} holds no migrations{filter} for this environment: FluentMigrator runs public classes derived from FluentMigrator.Migration with a [Migration] attribute" +
                (definition.Tags.Count == 0 ? " (with no tags selected, only untagged ones)" : $" carrying the tags [{string.Join(", ", definition.Tags)}] or none") +
                "; check migrations.assembly/project, tags and namespace");
        }
        catch (DuplicateMigrationException e)
        {
            throw new MigrationDefinitionException($"{Path.GetFileName(path)}: {e.Message} {DuplicateDetail(assembly)}every migration needs its own version");
        }
    }

    private static List<ProjectMigration> LoadProfiles(IServiceProvider provider, string path, string? profile)
    {
        if (profile is null)
        {
            return [];
        }

        var migrations = Create(path, () => provider.GetRequiredService<IProfileSource>().GetProfiles(profile).ToList());
        if (migrations.Count == 0)
        {
            throw new MigrationDefinitionException(
                $"the environment names profile '{profile}', but no public [Profile(\"{profile}\")] migration is in {Path.GetFileName(path)} (profile names are case-sensitive); fix migrations.profile");
        }

        return migrations.Select(m => new ProjectMigration(new NonAttributedMigrationToMigrationInfoAdapter(m), MigrationKind.Profile)).ToList();
    }

    /// <summary>FluentMigrator creates the migration classes while loading; a constructor that throws is the project's error.</summary>
    private static T Create<T>(string path, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is TargetInvocationException or InvalidOperationException or MissingMethodException or TypeLoadException)
        {
            var cause = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
            throw new MigrationDefinitionException($"cannot create the migrations of {Path.GetFileName(path)}: {cause.Message}");
        }
    }

    /// <summary>FluentMigrator names only the version; name the classes too.</summary>
    private static string DuplicateDetail(Assembly assembly)
    {
        var clashes = assembly.GetExportedTypes()
            .SelectMany(t => t.GetCustomAttributes<MigrationAttribute>(inherit: false).Select(a => (a.Version, Type: t.FullName)))
            .GroupBy(x => x.Version)
            .Where(g => g.Count() > 1)
            .Select(g => $"version {g.Key} is used by {string.Join(" and ", g.Select(x => x.Type))}")
            .ToList();
        return clashes.Count == 0 ? "" : string.Join("; ", clashes) + "; ";
    }

    /// <summary>A tag no migration carries is almost always a typo, and would silently select nothing.</summary>
    private static void CheckTags(Assembly assembly, string path, IReadOnlyList<string> tags)
    {
        var carried = assembly.GetExportedTypes()
            .SelectMany(t => t.GetCustomAttributes<TagsAttribute>(inherit: true).Concat(t.GetInterfaces().SelectMany(i => i.GetCustomAttributes<TagsAttribute>(inherit: true))))
            .SelectMany(a => a.TagNames)
            .ToHashSet(StringComparer.Ordinal);
        var unknown = tags.Where(tag => !carried.Contains(tag)).ToList();
        if (unknown.Count > 0)
        {
            throw new MigrationDefinitionException(
                $"the environment selects tag{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown.Select(t => $"'{t}'"))}, which no migration in {Path.GetFileName(path)} carries (tags are case-sensitive); fix migrations.tags");
        }
    }
}
