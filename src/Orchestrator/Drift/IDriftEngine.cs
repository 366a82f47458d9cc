using Orchestrator.Servers;

namespace Orchestrator.Drift;

/// <summary>What drift detection needs from an engine beyond <see cref="IEngine"/>; every engine implements it.</summary>
public interface IDriftEngine
{
    /// <summary>Reads a database's structure from this engine's catalog.</summary>
    ISchemaReader SchemaReader { get; }
}

/// <summary>Lets code holding an <see cref="IEngine"/> reach its schema reader without knowing the engine.</summary>
public static class DriftEngineExtensions
{
    extension(IEngine engine)
    {
        public ISchemaReader SchemaReader => (engine as IDriftEngine
            ?? throw new InvalidOperationException($"{engine.GetType().Name} does not implement {nameof(IDriftEngine)}")).SchemaReader;
    }
}
