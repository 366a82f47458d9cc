using System.Reflection;
using FluentMigrator.Runner;
using FluentMigrator.Runner.Conventions;
using FluentMigrator.Runner.Initialization;
using Microsoft.Extensions.DependencyInjection;

namespace Orchestrator.FluentMigratorHost;

/// <summary>What to run FluentMigrator's runner on.</summary>
public sealed record FluentMigratorRequest(string Engine, string ConnectionString, string AssemblyPath)
{
    public IReadOnlyList<string> Tags { get; init; } = [];

    public string? Profile { get; init; }

    public bool AllowBreakingChanges { get; init; }
}

/// <summary>
/// FluentMigrator's MigrationRunner built from its own service registrations (Runner.Core with
/// AddPostgres15_0(), AddMySql8() or AddSQLite()), as applications host it. Script paths resolve against the
/// assembly's folder, as they would with that folder as the working directory.
/// </summary>
public static class FluentMigratorRun
{
    public static void MigrateUp(FluentMigratorRequest request, long? to = null) => Run(request, runner =>
    {
        if (to is { } version)
        {
            runner.MigrateUp(version);
        }
        else
        {
            runner.MigrateUp();
        }
    });

    public static void MigrateDown(FluentMigratorRequest request, long to) => Run(request, runner => runner.MigrateDown(to));

    private static void Run(FluentMigratorRequest request, Action<IMigrationRunner> action)
    {
        var assembly = Assembly.LoadFrom(request.AssemblyPath);
        var services = new ServiceCollection()
            .AddFluentMigratorCore()
            .ConfigureRunner(runner =>
            {
                _ = request.Engine switch
                {
                    "postgres" => runner.AddPostgres15_0(),
                    "mariadb" => runner.AddMySql8(),
                    "sqlite" => runner.AddSQLite(),
                    _ => throw new ArgumentException($"unknown engine '{request.Engine}'", nameof(request)),
                };
                runner.WithGlobalConnectionString(request.ConnectionString).ScanIn(assembly).For.All();
            });
        services.Configure<RunnerOptions>(options =>
        {
            options.Tags = [.. request.Tags];
            options.Profile = request.Profile;
            options.AllowBreakingChange = request.AllowBreakingChanges;
        });
        var folder = Path.GetDirectoryName(Path.GetFullPath(request.AssemblyPath))!;
        services.AddScoped<IConventionSet>(sp => sp.GetRequiredService<IConventionSetAccessor>().GetConventionSet() ?? new DefaultConventionSet(null, folder));
        using var provider = services.BuildServiceProvider(validateScopes: false);
        using var scope = provider.CreateScope();
        action(scope.ServiceProvider.GetRequiredService<IMigrationRunner>());
    }
}
