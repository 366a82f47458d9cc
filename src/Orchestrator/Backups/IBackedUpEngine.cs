using Orchestrator.Servers;

namespace Orchestrator.Backups;

/// <summary>What backups need from an engine beyond <see cref="IEngine"/>; every engine implements it.</summary>
internal interface IBackedUpEngine
{
    /// <summary>Backups of this engine: taking, verifying and loading them.</summary>
    IBackupEngine Backups { get; }
}

/// <summary>Lets code holding an <see cref="IEngine"/> reach its backups without knowing the engine.</summary>
internal static class BackedUpEngineExtensions
{
    extension(IEngine engine)
    {
        public IBackupEngine Backups => engine.Ability<IBackedUpEngine>().Backups;
    }
}
