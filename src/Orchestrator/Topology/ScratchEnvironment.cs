using System.Globalization;
using Orchestrator.Environments;
using Orchestrator.Hosts.Local;
using Orchestrator.Progress;
using Orchestrator.State;
using Orchestrator.Topology;
using Orchestrator.Context;

namespace Orchestrator.Topology;

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

    private ScratchEnvironment(string directory, EnvironmentContext like, EnvironmentDefinition definition, ITopologyProgress progress)
    {
        Directory = directory;
        Context = like.With(definition, StateDir, progress, SharedCaDir(like));
        _topology = definition.RunsServers ? new LocalTopology(Context) : null;
    }

    /// <summary>
    /// The CA folder of the environment the scratch node stands in for, when that one runs with
    /// TLS: the scratch node's certificate comes from it, so whoever trusts the environment trusts
    /// its scratch nodes too. Null otherwise (the scratch node makes a CA of its own).
    /// </summary>
    private static string? SharedCaDir(EnvironmentContext like) =>
        like.Definition.Tls != TlsMode.Disable && like.State is { } state && EnvironmentCa.In(state, like.Definition.FleetName).Exists ? state.CaDir : null;

    /// <summary>The scratch environment, of the same engine as the one it was made like.</summary>
    public EnvironmentContext Context { get; }

    public string Directory { get; }

    public EnvironmentDefinition Definition => Context.Definition;

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

    /// <summary>The scratch environment's servers; null for a scratch database file, which needs none.</summary>
    public LocalTopology? Topology => _topology;

    /// <summary>When true, disposing leaves the node running and its files in place.</summary>
    public bool Keep { get; set; }

    /// <param name="like">The environment whose engine, database name, migrations and binaries the scratch one shares.</param>
    /// <param name="adminUser">The admin account's name, when it must match one inside restored data.</param>
    public static async Task<ScratchEnvironment> CreateAsync(EnvironmentContext likeContext, ITopologyProgress progress, string? adminUser = null)
    {
        var like = likeContext.Definition;
        // An engine without servers (SQLite) gets a scratch file, and none of the servers' settings.
        var servers = likeContext.Engine.Descriptor.Server is not null;
        var directory = System.IO.Directory.CreateTempSubdirectory("orchestrator-scratch-").FullName;
        // The service user must be able to enter it.
        File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32("755", 8));
        // Servers listen on a port free on this machine now (published there, for a container).
        var lines = ScratchFile.Like(like, Path.GetFileName(directory), servers, adminUser, servers ? PortProbe.FreePort() : null);
        var file = Path.Combine(directory, "scratch.yaml");
        await File.WriteAllLinesAsync(file, lines);
        // A point-in-time replay reads the environment's archive (a container mounts it read-only); the scratch node never archives into it.
        var definition = EnvironmentLoader.LoadOrThrow(file) with { ReplaysArchive = like.Archive?.Directory };
        return new ScratchEnvironment(directory, likeContext, definition, progress);
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
}
