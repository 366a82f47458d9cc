using System.Globalization;

namespace Orchestrator.Environments;

/// <summary>
/// The environment file of a one-node scratch environment like another: the same engine,
/// provider, image, database name, migrations and binaries, for work that must not touch real
/// nodes (a restore rehearsal, the schema the migrations produce).
/// </summary>
internal static class ScratchFile
{
    /// <param name="directoryName">The scratch environment's own directory's name: a container's name comes from the environment's, so each scratch environment needs its own.</param>
    /// <param name="servers">The engine runs servers; one that does not (SQLite) gets a scratch file and none of the servers' settings.</param>
    /// <param name="adminUser">The admin account's name, when it must match one inside restored data.</param>
    /// <param name="port">The scratch node's port; null for a scratch file.</param>
    public static List<string> Like(EnvironmentDefinition like, string directoryName, bool servers, string? adminUser, int? port)
    {
        var lines = new List<string>
        {
            // A container's name comes from the environment's: each scratch environment needs its own.
            like.Provider == ProviderKind.Docker ? $"name: scratch-{directoryName[^6..].ToLowerInvariant()}" : "name: scratch",
            $"engine: {like.Engine.ToText()}",
            servers ? $"database: {like.Database}" : "file: scratch.sqlite",
        };
        if (like.Provider == ProviderKind.Docker)
        {
            lines.Add("provider: docker");
            lines.Add($"image: {Quote(like.Primary.Image!)}");
        }
        if (like.Migrations is { } migrations)
        {
            lines.Add("migrations:");
            lines.Add(migrations.Assembly is { } assembly ? $"  assembly: {Quote(assembly)}" : $"  project: {Quote(migrations.Project!)}");
            lines.Add($"  tags: [{string.Join(", ", migrations.Tags)}]");
        }

        if (adminUser is not null && servers)
        {
            lines.Add("credentials:");
            lines.Add($"  admin: {{ user: {Quote(adminUser)} }}");
        }

        if (servers && (like.Local.PostgresBinDir is not null || like.Local.MariaDbBinDir is not null || like.Local.OsUser is not null))
        {
            lines.Add("local:");
            AddIfSet(lines, "postgres_bin_dir", like.Local.PostgresBinDir);
            AddIfSet(lines, "mariadb_bin_dir", like.Local.MariaDbBinDir);
            AddIfSet(lines, "os_user", like.Local.OsUser);
        }

        if (port is not null)
        {
            lines.Add("nodes:");
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"  - {{ name: scratch, role: primary, port: {port} }}"));
        }

        return lines;
    }

    private static void AddIfSet(List<string> lines, string key, string? value)
    {
        if (value is not null)
        {
            lines.Add($"  {key}: {Quote(value)}");
        }
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
