using System.Reflection;
using Orchestrator.Migrations.Builders;
using Orchestrator.Migrations.Expressions;

namespace Orchestrator.Migrations;

/// <summary>Finds the migrations of an assembly, keeps those the environment's tags select, in version order.</summary>
public static class MigrationCatalog
{
    public static IReadOnlyList<MigrationInfo> Load(Assembly assembly, IReadOnlyCollection<string> tags)
    {
        var sources = new MigrationSources(assembly);
        var found = assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && typeof(Migration).IsAssignableFrom(t) && t.GetCustomAttribute<MigrationAttribute>() is not null)
            .Select(t => Describe(t, sources))
            .ToList();

        var unknown = tags.Where(tag => !found.Any(m => m.Tags.Any(a => a.Tags.Contains(tag)))).ToList();
        if (unknown.Count > 0)
        {
            throw new MigrationDefinitionException(
                $"the environment selects tag{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown.Select(t => $"'{t}'"))}, which no migration in {assembly.GetName().Name} carries; fix migrations.tags");
        }

        var selected = found.Where(m => m.Tags.Count == 0 || m.Tags.Any(a => a.IsSatisfiedBy(tags))).OrderBy(m => m.Version).ToList();
        var duplicates = selected.GroupBy(m => m.Version).Where(g => g.Count() > 1).ToList();
        if (duplicates.Count > 0)
        {
            throw new MigrationDefinitionException(string.Join("; ", duplicates.Select(g =>
                $"version {g.Key} is used by {string.Join(" and ", g.Select(m => m.Type.FullName))}; every migration needs its own version")));
        }

        return selected;
    }

    private static MigrationInfo Describe(Type type, MigrationSources sources)
    {
        var attribute = type.GetCustomAttribute<MigrationAttribute>()!;
        var tags = type.GetCustomAttributes<TagsAttribute>().ToList();
        var migration = (Migration)(Activator.CreateInstance(type)
            ?? throw new MigrationDefinitionException($"{type.FullName} needs a public parameterless constructor"));
        var up = migration.Collect(migration.Up, sources);

        IReadOnlyList<MigrationExpression>? down = null;
        string? whyNoDown = null;
        if (migration is AutoReversingMigration)
        {
            var irreversible = up.FirstOrDefault(e => e.Reverse() is null);
            if (irreversible is null)
            {
                down = up.Reverse().Select(e => e.Reverse()!).ToList();
            }
            else
            {
                whyNoDown = $"it is an AutoReversingMigration and {irreversible.Describe} cannot be reversed automatically; write a Migration with an explicit Down()";
            }
        }
        else if (type.GetMethod(nameof(Migration.Down))!.DeclaringType == typeof(Migration))
        {
            whyNoDown = "it has no Down() method";
        }
        else
        {
            down = migration.Collect(migration.Down, sources);
        }

        return new MigrationInfo(attribute.Version, attribute.Description ?? type.Name, type, attribute.TransactionBehavior, tags, up, down, whyNoDown);
    }
}
