using System.Reflection;

namespace Orchestrator.Migrations.Builders;

/// <summary>Reads the SQL of Execute.Script (a file) and Execute.EmbeddedScript (a resource of the migrations assembly).</summary>
internal sealed class MigrationSources(Assembly assembly)
{
    public string ReadScript(string path)
    {
        var candidates = Path.IsPathRooted(path)
            ? [path]
            : new[] { Path.Combine(Path.GetDirectoryName(assembly.Location) ?? "", path), Path.GetFullPath(path) };
        var found = candidates.FirstOrDefault(File.Exists)
            ?? throw new MigrationDefinitionException($"Execute.Script(\"{path}\"): no such file (looked in {string.Join(" and ", candidates)})");
        return File.ReadAllText(found);
    }

    public string ReadEmbeddedScript(string name)
    {
        var matches = assembly.GetManifestResourceNames()
            .Where(r => r == name || r.EndsWith("." + name, StringComparison.Ordinal))
            .ToList();
        if (matches.Count != 1)
        {
            throw new MigrationDefinitionException(matches.Count == 0
                ? $"Execute.EmbeddedScript(\"{name}\"): {assembly.GetName().Name} has no embedded resource of that name (add it with <EmbeddedResource Include=...>)"
                : $"Execute.EmbeddedScript(\"{name}\"): several resources match: {string.Join(", ", matches)}");
        }

        using var stream = assembly.GetManifestResourceStream(matches[0])!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
