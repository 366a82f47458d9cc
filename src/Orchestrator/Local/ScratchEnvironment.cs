using System.Globalization;
using Orchestrator.Environments;
using Orchestrator.Topology;

namespace Orchestrator.Local;

/// <summary>
/// A one-node environment of the same engine and provider as another (a local server, or a
/// container of the same image; for SQLite, a scratch file), with its state in a private
/// temporary directory, for work that must not touch real nodes (a restore rehearsal,
/// the schema the migrations produce). Disposing it stops the node and deletes everything,
/// unless kept.
/// </summary>
internal sealed class ScratchEnvironment : IAsyncDisposable
{
    private readonly LocalTopology? _topology;
    private readonly ITopologyProgress _progress;

    private ScratchEnvironment(string directory, EnvironmentDefinition definition, ITopologyProgress progress)
    {
        Directory = directory;
        Definition = definition;
        _progress = progress;
        _topology = definition.Provider.RunsServers() ? new LocalTopology(definition, StateDir, progress) : null;
    }

    public string Directory { get; }

    public EnvironmentDefinition Definition { get; }

    public string StateDir => Path.Combine(Directory, "state");

    /// <summary>The scratch node's state directory; null for a scratch file.</summary>
    public StateLayout? State => _topology?.State;

    /// <summary>Brings the empty scratch node up (a scratch file needs nothing until written).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_topology is not null)
        {
            await _topology.UpAsync(cancellationToken);
        }
    }

    /// <summary>Replaces the scratch node's data with a backup's (see <see cref="LocalTopology.RestorePrimaryAsync"/>; a scratch file becomes the backup's copy).</summary>
    public async Task RestoreAsync(string backupDirectory, Backups.BackupManifest manifest, CancellationToken cancellationToken)
    {
        if (_topology is not null)
        {
            await _topology.RestorePrimaryAsync(backupDirectory, manifest, cancellationToken);
            await _topology.UpAsync(cancellationToken);
            return;
        }

        var engine = EngineRegistry.For(Definition.Engine);
        var credentials = CredentialStore.Resolve(Definition, null, create: false);
        await engine.Backups.RestoreLogicalAsync(
            engine.AdminTarget(Definition.Primary, credentials), Definition.Database, backupDirectory, manifest, replicate: false, Definition.Local, _progress, cancellationToken);
    }

    /// <summary>When true, disposing leaves the node running and its files in place.</summary>
    public bool Keep { get; set; }

    /// <param name="like">The environment whose engine, database name, migrations and binaries the scratch one shares.</param>
    /// <param name="adminUser">The admin account's name, when it must match one inside restored data.</param>
    public static async Task<ScratchEnvironment> CreateAsync(EnvironmentDefinition like, ITopologyProgress progress, string? adminUser = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("orchestrator-scratch-").FullName;
        // The service user must be able to enter it.
        File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("755", 8));
        var lines = new List<string>
        {
            // A container's name comes from the environment's: each scratch environment needs its own.
            like.Provider == ProviderKind.Docker ? $"name: scratch-{Path.GetFileName(directory)[^6..].ToLowerInvariant()}" : "name: scratch",
            $"engine: {like.Engine.ToText()}",
            like.Provider == ProviderKind.File ? "file: scratch.sqlite" : $"database: {like.Database}",
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

        if (adminUser is not null && like.Provider != ProviderKind.File)
        {
            lines.Add("credentials:");
            lines.Add($"  admin: {{ user: {Quote(adminUser)} }}");
        }

        if (like.Provider != ProviderKind.File && (like.Local.PostgresBinDir is not null || like.Local.MariaDbBinDir is not null || like.Local.OsUser is not null))
        {
            lines.Add("local:");
            AddIfSet(lines, "postgres_bin_dir", like.Local.PostgresBinDir);
            AddIfSet(lines, "mariadb_bin_dir", like.Local.MariaDbBinDir);
            AddIfSet(lines, "os_user", like.Local.OsUser);
        }

        if (like.Provider != ProviderKind.File)
        {
            lines.Add("nodes:");
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"  - {{ name: scratch, role: primary, port: {PortProbe.FreePort()} }}"));
        }

        var file = Path.Combine(directory, "scratch.yaml");
        await File.WriteAllLinesAsync(file, lines);
        return new ScratchEnvironment(directory, EnvironmentLoader.LoadOrThrow(file), progress);
    }

    public async ValueTask DisposeAsync()
    {
        if (Keep)
        {
            return;
        }

        try
        {
            if (_topology is not null)
            {
                await _topology.DiscardAsync(CancellationToken.None);
            }
        }
        finally
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
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
