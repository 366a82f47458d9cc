using Orchestrator.Environments;
using Orchestrator.Progress;
using Orchestrator.Servers;
using Orchestrator.State;

namespace Orchestrator.Context;

/// <summary>
/// One environment as one command works on it, opened once by the composition root
/// (<c>Composition/CompositionRoot</c>) from the loaded definition: its engine, where the tool
/// keeps its state, and where progress goes. Every concern takes it instead of resolving these
/// itself, so the choice of engine is made in one place and concerns never name an engine.
/// </summary>
internal sealed class EnvironmentContext(EnvironmentDefinition definition, IEngine engine, string? stateDir, ITopologyProgress progress)
{
    public EnvironmentDefinition Definition { get; } = definition;

    public IEngine Engine { get; } = engine;

    /// <summary>The state directory the user named (<c>--state-dir</c>); null for the default beside the environment file.</summary>
    public string? StateDir { get; } = stateDir;

    public ITopologyProgress Progress { get; } = progress;

    private StateLayout? _state;
    private EnvironmentCredentials? _credentials;

    /// <summary>Where the tool keeps this environment's state (checked to be this environment's, once); null for environments it keeps none for (external servers, a database file).</summary>
    public StateLayout? State => Definition.RunsServers ? _state ??= StateLayout.For(Definition, StateDir, BorrowedCaDir) : null;

    /// <summary>For a scratch node: the CA folder of the environment it stands in for, whose CA issues its certificate; null otherwise.</summary>
    public string? BorrowedCaDir { get; private init; }

    /// <summary>
    /// The passwords the tool logs in with, read once per command: the state directory's for
    /// servers the tool runs, else the environment file's references.
    /// </summary>
    /// <exception cref="LocalProviderException">The environment has not been brought up (no passwords yet).</exception>
    public EnvironmentCredentials Credentials => _credentials ??= CredentialStore.Resolve(Definition, State, create: false);

    /// <summary>Another environment of the same engine (a scratch copy, one shard of a fleet), reporting to the same progress unless told otherwise.</summary>
    /// <param name="borrowedCaDir">For a scratch node: the CA folder its certificate comes from (see <see cref="BorrowedCaDir"/>).</param>
    public EnvironmentContext With(EnvironmentDefinition definition, string? stateDir, ITopologyProgress? progress = null, string? borrowedCaDir = null) =>
        new(definition, Engine, stateDir, progress ?? Progress) { BorrowedCaDir = borrowedCaDir };
}
